using System.Net;
using System.Net.Sockets;

namespace RingStore.Cli.Tests;

/// <summary>
/// Internode base ports for test clusters: n consecutive free ports, and the n gRPC ports 2042 above them (the
/// offset `ringstore up --base-port` uses). Starts in a range no other test project uses (31000-32999).
/// </summary>
public static class FreePorts
{
    private static int _next = 31000 + (Environment.ProcessId % 100) * 20;

    public static int FindBase(int nodes)
    {
        for (int attempt = 0; attempt < 200; attempt++)
        {
            int basePort = Interlocked.Add(ref _next, 10) - 10;
            if (basePort > 32990) basePort = 31000 + (basePort % 1990);
            if (Enumerable.Range(basePort, nodes).Concat(Enumerable.Range(basePort + 2042, nodes)).All(IsFree)) return basePort;
        }
        throw new InvalidOperationException("no free port range found");
    }

    private static bool IsFree(int port)
    {
        try
        {
            var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
