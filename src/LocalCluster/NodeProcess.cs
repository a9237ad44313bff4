using System.Diagnostics;
using Grpc.Net.Client;
using RingStore.Client.Protos;

namespace RingStore.LocalCluster;

/// <summary>
/// One RingStore.Node process on this machine. Output goes to node.log in its data directory; the process is
/// started through <c>sh -c 'exec dotnet ...'</c> so that it keeps the shell's pid and can outlive this process
/// (ringstore up --detach). It is only ever signalled by the pid we started.
/// </summary>
public sealed class NodeProcess : IDisposable
{
    private Process? _process;
    private bool _started;

    public NodeProcess(NodeProcessOptions options) => Options = options;

    public NodeProcessOptions Options { get; }

    public int? Pid => _process is { HasExited: false } p ? p.Id : null;

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Whether this object started a process (else it knows nothing about the node's pid).</summary>
    public bool WasStarted => _started;

    public string LogPath => Path.Combine(Options.DataDirectory, "node.log");

    public static string Quote(string arg) => "'" + arg.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <param name="nodeDll">RingStore.Node.dll to run.</param>
    /// <param name="commandPrefix">
    /// A command that execs the node in place, e.g. <c>ip netns exec NS</c> (benchmarks run nodes in network
    /// namespaces); it must not fork, so that the pid we hold stays the node's.
    /// </param>
    public void Start(string nodeDll, IReadOnlyList<string>? commandPrefix = null)
    {
        if (IsRunning) throw new InvalidOperationException($"Node {Options.Index} is already running (pid {Pid}).");
        Directory.CreateDirectory(Options.DataDirectory);
        // setsid: the node gets its own session, so Ctrl-C in the terminal that ran `ringstore up` (whose process
        // group it would otherwise share) reaches the shell, not the nodes. sh is not a group leader, so setsid
        // execs in place and the pid stays the node's. Standard input is not the node's: /dev/null.
        string setsid = File.Exists("/usr/bin/setsid") ? "setsid " : "";
        string prefix = commandPrefix is null ? "" : string.Join(' ', commandPrefix.Select(Quote)) + " ";
        string command = "exec " + setsid + prefix + "dotnet " + Quote(nodeDll) + " " + string.Join(' ', Options.Arguments().Select(Quote))
            + " < /dev/null >> " + Quote(LogPath) + " 2>&1";
        var info = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(command);
        info.Environment["DOTNET_gcServer"] = "0"; // several nodes share two cores: workstation GC keeps each small
        info.Environment["DOTNET_TieredPGO"] = "1";
        // Idle thread-pool workers spin before they sleep; with several nodes on few cores that spinning takes the
        // CPU from nodes with work (cluster bench A/B, 3 runs each: CPU per QUORUM write 147 -> 121 µs).
        info.Environment["DOTNET_ThreadPool_UnfairSemaphoreSpinLimit"] = "0";
        _process?.Dispose();
        _process = Process.Start(info) ?? throw new InvalidOperationException("Could not start the node process.");
        _started = true;
    }

    /// <summary>SIGKILL: the crash case (no flush, no gossip goodbye).</summary>
    public void Kill()
    {
        if (_process is { HasExited: false } p)
        {
            p.Kill();
            p.WaitForExit(10_000);
        }
    }

    /// <summary>SIGTERM and wait: the node announces its shutdown, flushes and exits. Falls back to SIGKILL after the timeout.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        if (_process is not { HasExited: false } p) return;
        Signals.Terminate(p.Id);
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await p.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Kill();
        }
    }

    /// <summary>Polls the node's gRPC DescribeRing until it answers and sees <paramref name="expectedUp"/> nodes up.</summary>
    public async Task WaitUntilReadyAsync(int expectedUp, TimeSpan timeout, CancellationToken ct = default)
    {
        using var channel = OpenChannel(Options);
        var client = new RingStoreApi.RingStoreApiClient(RingStore.Client.Auth.ClientCredentials.Apply(channel.CreateCallInvoker(), Options.Credentials));
        var deadline = DateTime.UtcNow + timeout;
        string last = "no answer yet";
        while (DateTime.UtcNow < deadline)
        {
            if (_process is { HasExited: true } p)
                throw new InvalidOperationException($"Node {Options.Index} exited with code {p.ExitCode} while starting; see {LogPath}:{Environment.NewLine}{Tail(LogPath, 20)}");
            try
            {
                var ring = await client.DescribeRingAsync(new DescribeRingRequest(), deadline: DateTime.UtcNow.AddSeconds(2), cancellationToken: ct);
                int up = ring.Nodes.Count(n => n.Liveness == "UP" && n.Tokens.Count > 0);
                if (up >= expectedUp) return;
                last = $"{up} of {expectedUp} nodes up";
            }
            catch (Grpc.Core.RpcException e)
            {
                last = e.Status.Detail;
            }
            await Task.Delay(200, ct).ConfigureAwait(false);
        }
        throw new TimeoutException($"Node {Options.Index} ({Options.GrpcEndpoint}) not ready after {timeout.TotalSeconds:0} s: {last}. Log: {LogPath}");
    }

    /// <summary>A gRPC channel to the node: https trusting its CA when it serves TLS, plain HTTP/2 otherwise.</summary>
    public static GrpcChannel OpenChannel(NodeProcessOptions options, GrpcChannelOptions? channelOptions = null)
    {
        channelOptions ??= new GrpcChannelOptions();
        if (options.CaFile is null) return GrpcChannel.ForAddress($"http://{options.GrpcEndpoint}", channelOptions);
        channelOptions.HttpHandler = RingStore.Client.Tls.CaTrust.Handler(RingStore.Client.Tls.CaTrust.LoadPem(options.CaFile));
        channelOptions.DisposeHttpClient = true;
        return GrpcChannel.ForAddress($"https://{options.GrpcEndpoint}", channelOptions);
    }

    public static string Tail(string path, int lines)
    {
        try
        {
            return File.Exists(path) ? string.Join(Environment.NewLine, File.ReadLines(path).TakeLast(lines)) : "(no log)";
        }
        catch (IOException e)
        {
            return $"(log unreadable: {e.Message})";
        }
    }

    public void Dispose()
    {
        Kill();
        _process?.Dispose();
        _process = null; // a disposed Process cannot say whether it exited: Pid is null from now on
    }
}
