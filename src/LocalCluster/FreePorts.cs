using System.Net;
using System.Net.Sockets;

namespace RingStore.LocalCluster;

/// <summary>Ports the kernel says are free on 127.0.0.1, so no two tests (or runs, or other helpers) share fixed ports.</summary>
public static class FreePorts
{
    /// <summary>
    /// <paramref name="count"/> distinct free ports. All listeners stay open until every port is taken, so the kernel
    /// cannot hand the same port out twice within one call.
    /// </summary>
    public static IReadOnlyList<int> Take(int count)
    {
        var listeners = new List<TcpListener>(count);
        try
        {
            for (int i = 0; i < count; i++)
            {
                var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                listeners.Add(listener);
            }
            return listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        }
        finally
        {
            foreach (var listener in listeners) listener.Stop();
        }
    }
}
