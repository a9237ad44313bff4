using System.Net;
using System.Net.Sockets;

namespace RingStore.Bench.Tests.NodeFailure;

/// <summary>
/// A base port for a bench scenario, which numbers its ports base+i (internode) and base+100+i (gRPC): a random base
/// in 30000-59000 whose <c>count</c> ports at both offsets are free on 127.0.0.1 right now (no other test uses them).
/// </summary>
public static class PortBlock
{
    public static int FindBase(int count)
    {
        for (int attempt = 0; attempt < 200; attempt++)
        {
            int basePort = Random.Shared.Next(30_000, 59_000);
            var ports = Enumerable.Range(0, count).SelectMany(i => new[] { basePort + i, basePort + 100 + i });
            if (ports.All(IsFree)) return basePort;
        }
        throw new InvalidOperationException("No free block of ports found.");
    }

    private static bool IsFree(int port)
    {
        var listener = new TcpListener(IPAddress.Loopback, port);
        try
        {
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
        finally
        {
            listener.Stop();
        }
    }
}
