using System.Globalization;
using RingStore.LocalCluster;

namespace RingStore.Bench.FailureInjection;

/// <summary>
/// Node processes each in its own network namespace (needs root): node i has address 10.213.S.(i+1) on a veth
/// whose other end hangs on a bridge in the root namespace, where the bridge has 10.213.S.254 so the benchmark's
/// client reaches every node. A partition adds blackhole routes between the node and its peers, in both
/// directions, so gossip and replica traffic stop while clients still reach the node. Everything created here
/// (namespaces, veths, bridge) is named after this process's id and removed on Dispose.
/// </summary>
public sealed class NamespaceBenchCluster : IBenchCluster
{
    private readonly NodeProcess[] _nodes;
    private readonly string _nodeDll;
    private readonly string _subnet;
    private readonly string _bridge;
    private readonly string _tag;
    private bool _networkCreated;

    public NamespaceBenchCluster(int nodes, int internodePort, int grpcPort, string dataRoot, string clusterName)
    {
        int pid = Environment.ProcessId;
        _tag = (pid % 100_000).ToString(CultureInfo.InvariantCulture);
        _subnet = $"10.213.{1 + (pid % 250)}";
        _bridge = $"rsb{_tag}";
        _nodeDll = NodeBinary.Locate();
        string seed = $"{_subnet}.1:{internodePort}";
        _nodes = [.. Enumerable.Range(0, nodes).Select(i => new NodeProcess(new NodeProcessOptions(i, Address(i), internodePort, grpcPort,
            Path.Combine(dataRoot, $"node{i}"), seed, clusterName)))];
    }

    public int Count => _nodes.Length;

    public IReadOnlyList<string> GrpcEndpoints => [.. _nodes.Select(n => n.Options.GrpcEndpoint)];

    public bool CanPartition => true;

    public string? PartitionUnavailableReason => null;

    public int? Pid(int index) => _nodes[index].Pid;

    public bool IsRunning(int index) => _nodes[index].IsRunning;

    public async Task StartAsync(TimeSpan timeout, CancellationToken ct)
    {
        CreateNetwork();
        for (int i = 0; i < Count; i++)
        {
            StartProcess(i);
            if (i == 0) await WaitUntilReadyAsync(0, 1, timeout, ct).ConfigureAwait(false);
        }
        for (int i = 0; i < Count; i++) await WaitUntilReadyAsync(i, Count, timeout, ct).ConfigureAwait(false);
    }

    public void Kill(int index) => _nodes[index].Kill();

    public void Pause(int index) => Signals.Stop(Pid(index) ?? throw new InvalidOperationException($"node{index} is not running."));

    public void Resume(int index) => Signals.Continue(Pid(index) ?? throw new InvalidOperationException($"node{index} is not running."));

    public Task StopNodeAsync(int index, TimeSpan timeout) => _nodes[index].StopAsync(timeout);

    public async Task RestartNodeAsync(int index, int expectedUp, TimeSpan timeout, CancellationToken ct)
    {
        StartProcess(index);
        await WaitUntilReadyAsync(index, expectedUp, timeout, ct).ConfigureAwait(false);
    }

    public async Task StopAllAsync(TimeSpan timeoutPerNode)
    {
        for (int i = Count - 1; i >= 0; i--) await StopNodeAsync(i, timeoutPerNode).ConfigureAwait(false);
    }

    public Task PartitionAsync(int index, CancellationToken ct)
    {
        foreach (int peer in Enumerable.Range(0, Count).Where(p => p != index))
        {
            IpCommand.Run("-n", Namespace(index), "route", "add", "blackhole", $"{Address(peer)}/32");
            IpCommand.Run("-n", Namespace(peer), "route", "add", "blackhole", $"{Address(index)}/32");
        }
        return Task.CompletedTask;
    }

    public Task HealAsync(int index, CancellationToken ct)
    {
        foreach (int peer in Enumerable.Range(0, Count).Where(p => p != index))
        {
            IpCommand.TryRun("-n", Namespace(index), "route", "del", "blackhole", $"{Address(peer)}/32");
            IpCommand.TryRun("-n", Namespace(peer), "route", "del", "blackhole", $"{Address(index)}/32");
        }
        return Task.CompletedTask;
    }

    public string LogTail(int index, int lines) => NodeProcess.Tail(_nodes[index].LogPath, lines);

    public override string ToString() =>
        string.Join(Environment.NewLine, _nodes.Select((n, i) => string.Create(CultureInfo.InvariantCulture,
            $"node{i}: netns {Namespace(i)}, gRPC {n.Options.GrpcEndpoint}, internode {n.Options.InternodeEndpoint}, pid {Pid(i)?.ToString(CultureInfo.InvariantCulture) ?? "-"}")));

    public void Dispose()
    {
        foreach (var node in _nodes) node.Dispose();
        if (!_networkCreated) return;
        IpCommand.TryRun("link", "del", _bridge);
        for (int i = 0; i < Count; i++)
        {
            IpCommand.TryRun("link", "del", Veth(i));
            IpCommand.TryRun("netns", "del", Namespace(i));
        }
        _networkCreated = false;
    }

    private string Address(int index) => $"{_subnet}.{index + 1}";

    private string Namespace(int index) => $"rs{_tag}n{index}";

    private string Veth(int index) => $"rsv{_tag}n{index}";

    private void CreateNetwork()
    {
        _networkCreated = true; // set first: a half-built network is removed too
        IpCommand.Run("link", "add", _bridge, "type", "bridge");
        IpCommand.Run("addr", "add", $"{_subnet}.254/24", "dev", _bridge);
        IpCommand.Run("link", "set", _bridge, "up");
        for (int i = 0; i < Count; i++)
        {
            string ns = Namespace(i);
            IpCommand.Run("netns", "add", ns);
            IpCommand.Run("link", "add", Veth(i), "type", "veth", "peer", "name", "eth0", "netns", ns);
            IpCommand.Run("link", "set", Veth(i), "master", _bridge);
            IpCommand.Run("link", "set", Veth(i), "up");
            IpCommand.Run("-n", ns, "addr", "add", $"{Address(i)}/24", "dev", "eth0");
            IpCommand.Run("-n", ns, "link", "set", "eth0", "up");
            IpCommand.Run("-n", ns, "link", "set", "lo", "up");
        }
    }

    /// <summary>`ip netns exec` execs the node in place, so the pid we hold is the node's own (signals reach it).</summary>
    private void StartProcess(int index) => _nodes[index].Start(_nodeDll, ["ip", "netns", "exec", Namespace(index)]);

    private Task WaitUntilReadyAsync(int index, int expectedUp, TimeSpan timeout, CancellationToken ct) =>
        _nodes[index].WaitUntilReadyAsync(expectedUp, timeout, ct);
}
