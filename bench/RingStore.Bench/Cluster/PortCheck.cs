using System.Net;
using System.Net.Sockets;

namespace RingStore.Bench.Cluster;

/// <summary>Fails early, naming the port, when a port the cluster needs is taken (another helper's cluster, a test).</summary>
public static class PortCheck
{
    public static void EnsureFree(string address, IEnumerable<int> ports)
    {
        ArgumentNullException.ThrowIfNull(ports);
        foreach (int port in ports)
        {
            var listener = new TcpListener(IPAddress.Parse(address), port);
            try
            {
                listener.Start();
            }
            catch (SocketException e)
            {
                throw new ArgumentException($"port {port} on {address} is in use ({e.SocketErrorCode}); pick other ports with --base-port", e);
            }
            finally
            {
                listener.Stop();
            }
        }
    }
}
