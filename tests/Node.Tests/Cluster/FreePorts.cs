using System.Net;
using System.Net.Sockets;

namespace RingStore.Node.Tests.Cluster;

/// <summary>Ports the kernel says are free on 127.0.0.1, so no two tests (or runs) share fixed ports.</summary>
public static class FreePorts
{
    public static int Next() => Take(1)[0];

    /// <summary>
    /// <paramref name="count"/> distinct free ports. Every listener stays open until all are chosen: the kernel may hand
    /// out a port again as soon as its listener closes, and one node given the same port twice (say, native = gRPC)
    /// refuses to start (seen in CI).
    /// </summary>
    public static int[] Take(int count)
    {
        var listeners = new List<TcpListener>(count);
        try
        {
            for (int i = 0; i < count; i++)
            {
                var listener = new TcpListener(IPAddress.Loopback, 0);
                listeners.Add(listener);
                listener.Start();
            }
            return listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        }
        finally
        {
            foreach (var l in listeners) l.Stop();
        }
    }
}
