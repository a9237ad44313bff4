using System.Net;
using System.Net.Sockets;

namespace RingStore.Node.Tests.Cluster;

/// <summary>Ports the kernel says are free on 127.0.0.1, so no two tests (or runs) share fixed ports.</summary>
public static class FreePorts
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
