using System.Globalization;
using System.Net.NetworkInformation;
using RingStore.LocalCluster;

namespace RingStore.Cluster.Tests;

/// <summary>
/// N "hosts" on one machine: network namespaces, each with an eth0 at 10.201.S.(i+1)/24 whose veth peer hangs on a
/// bridge in the root namespace (10.201.S.254, so the test process reaches every host), and a hosts file
/// (/etc/netns/NS/hosts, which <c>ip netns exec</c> mounts over /etc/hosts) naming every host, so nodes can be given
/// host names. Names carry a tag unique to this run, and S is a /24 no interface here uses yet. Disposing removes
/// the bridge, the veths, the namespaces and their /etc/netns folders, whatever was built before a failure.
/// Needs root (CI runs as root); <see cref="TryCreate"/> says why not where namespaces are refused.
/// </summary>
public sealed class NamespaceNetwork : IDisposable
{
    private readonly string _tag;
    private bool _disposed;

    private NamespaceNetwork(int hosts, string tag, int subnet)
    {
        Count = hosts;
        _tag = tag;
        Subnet = $"10.201.{subnet.ToString(CultureInfo.InvariantCulture)}";
    }

    public int Count { get; }

    /// <summary>"10.201.S": the first three octets of this network.</summary>
    public string Subnet { get; }

    public string Bridge => $"rs{_tag}br";

    /// <summary>Builds the network; null and the reason when the machine refuses (not root, no `ip`, no namespaces).</summary>
    public static NamespaceNetwork? TryCreate(int hosts, out string why)
    {
        if (IpCommand.NamespacesUnavailableReason() is { } reason)
        {
            why = reason;
            return null;
        }
        string tag = Guid.NewGuid().ToString("N")[..6]; // interface names: "rs" + 6 + "v0" stays under IFNAMSIZ (15)
        var network = new NamespaceNetwork(hosts, tag, FreeSubnet());
        try
        {
            network.Build();
            why = "";
            return network;
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            network.Dispose();
            why = e.Message;
            return null;
        }
    }

    public string Namespace(int host) => $"rs{_tag}-host{host.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The root-namespace end of the host's veth: setting it down unplugs the host's cable.</summary>
    public string Veth(int host) => $"rs{_tag}v{host.ToString(CultureInfo.InvariantCulture)}";

    public string Address(int host) => $"{Subnet}.{(host + 1).ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The host's name in every namespace's hosts file (not in the root namespace's).</summary>
    public string HostName(int host) => $"host{host.ToString(CultureInfo.InvariantCulture)}.rs{_tag}.test";

    /// <summary>The command prefix that runs a program inside the host's namespace (execs in place: the pid stays).</summary>
    public IReadOnlyList<string> Exec(int host) => ["ip", "netns", "exec", Namespace(host)];

    /// <summary>Cuts the host off: its veth goes down, so no packet reaches it or leaves it (peers and the test alike).</summary>
    public void CutOff(int host) => IpCommand.Run("link", "set", Veth(host), "down");

    public void Restore(int host) => IpCommand.Run("link", "set", Veth(host), "up");

    /// <summary>A 10.201.S.0/24 that no interface of this machine is on (other runs, other helpers' tests).</summary>
    private static int FreeSubnet()
    {
        var used = NetworkInterface.GetAllNetworkInterfaces()
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address.GetAddressBytes())
            .Where(b => b.Length == 4 && b[0] == 10 && b[1] == 201)
            .Select(b => (int)b[2])
            .ToHashSet();
        int start = Random.Shared.Next(1, 250);
        for (int i = 0; i < 250; i++)
        {
            int candidate = 1 + ((start + i) % 250);
            if (!used.Contains(candidate)) return candidate;
        }
        throw new InvalidOperationException("every 10.201.x.0/24 is in use on this machine");
    }

    private void Build()
    {
        IpCommand.Run("link", "add", Bridge, "type", "bridge");
        IpCommand.Run("addr", "add", $"{Subnet}.254/24", "dev", Bridge);
        IpCommand.Run("link", "set", Bridge, "up");
        string hosts = "127.0.0.1 localhost\n" + string.Concat(Enumerable.Range(0, Count).Select(i => $"{Address(i)} {HostName(i)}\n"));
        for (int i = 0; i < Count; i++)
        {
            string ns = Namespace(i);
            IpCommand.Run("netns", "add", ns);
            Directory.CreateDirectory(EtcDirectory(i));
            File.WriteAllText(Path.Combine(EtcDirectory(i), "hosts"), hosts);
            IpCommand.Run("link", "add", Veth(i), "type", "veth", "peer", "name", "eth0", "netns", ns);
            IpCommand.Run("link", "set", Veth(i), "master", Bridge);
            IpCommand.Run("link", "set", Veth(i), "up");
            IpCommand.Run("-n", ns, "addr", "add", $"{Address(i)}/24", "dev", "eth0");
            IpCommand.Run("-n", ns, "link", "set", "eth0", "up");
            IpCommand.Run("-n", ns, "link", "set", "lo", "up");
        }
    }

    private string EtcDirectory(int host) => Path.Combine("/etc/netns", Namespace(host));

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        IpCommand.TryRun("link", "del", Bridge);
        for (int i = 0; i < Count; i++)
        {
            IpCommand.TryRun("link", "del", Veth(i)); // deletes its eth0 peer too
            IpCommand.TryRun("netns", "del", Namespace(i));
            try
            {
                if (Directory.Exists(EtcDirectory(i))) Directory.Delete(EtcDirectory(i), recursive: true);
            }
            catch (IOException)
            {
                // Best effort: a leftover folder holds one hosts file and harms nothing.
            }
        }
    }
}
