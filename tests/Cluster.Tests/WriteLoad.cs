using System.Collections.Concurrent;
using Grpc.Core;
using RingStore.Client.Protos;
using RingStore.Client.Sessions;

namespace RingStore.Cluster.Tests;

/// <summary>
/// A bounded QUORUM write+read load on <see cref="KvTable"/>: each worker writes its own keys (never overwritten) with
/// client-supplied timestamps, and after every few writes reads one of its acknowledged keys back at QUORUM and checks
/// the value. Requests go to a random node in rotation; a transport failure fails over to another node with the same
/// request (same timestamp, so the retry is idempotent). Anything a node answers with an error, and any wrong read,
/// is a failed request. Even-numbered workers send unary calls, odd-numbered ones send over a Session stream per node
/// (as the SDK does), so both paths see the same faults.
/// </summary>
public sealed class WriteLoad(ProcessCluster cluster, string keyspace, int workers, int maxWritesPerWorker, int valueBytes = 64)
{
    private const int ReadEveryNthWrite = 3;

    private readonly string _padding = new('x', valueBytes);
    private readonly ConcurrentDictionary<long, string> _acknowledged = new();
    private readonly ConcurrentDictionary<long, int> _acknowledgedBy = new();
    private readonly ConcurrentQueue<string> _failures = new();
    private long _nextTimestampMicros = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000;
    private long _readsChecked;
    private readonly Lock _sessionGate = new();
    private readonly Dictionary<int, (RingStoreApi.RingStoreApiClient Client, RingStoreSession Session)> _sessions = [];
    private readonly List<RingStoreSession> _allSessions = [];

    public ClientRouting Routing { get; } = new(cluster.Count);

    /// <summary>Key -> value of every write a node acknowledged at QUORUM.</summary>
    public IReadOnlyDictionary<long, string> Acknowledged => _acknowledged;

    /// <summary>Key -> the node that coordinated the write and acknowledged it.</summary>
    public IReadOnlyDictionary<long, int> AcknowledgedBy => _acknowledgedBy;

    public int AcknowledgedCount => _acknowledged.Count;

    public IReadOnlyCollection<string> Failures => _failures;

    public long ReadsChecked => Interlocked.Read(ref _readsChecked);

    /// <summary>Runs every worker until <paramref name="stop"/> fires or each wrote its maximum.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        try
        {
            await Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(() => WorkerAsync(w, stop), CancellationToken.None)));
        }
        finally
        {
            foreach (var session in _allSessions) await session.DisposeAsync();
        }
    }

    /// <summary>The node's session; a new one when the old one failed or the cluster gave the node a new channel (restart).</summary>
    private RingStoreSession SessionFor(int node)
    {
        var client = cluster.Client(node);
        lock (_sessionGate)
        {
            if (_sessions.TryGetValue(node, out var held) && held.Client == client && !held.Session.IsFailed) return held.Session;
            var session = RingStoreSession.Open(client);
            _sessions[node] = (client, session);
            _allSessions.Add(session);
            return session;
        }
    }

    private async Task WorkerAsync(int worker, CancellationToken stop)
    {
        var random = new Random(worker);
        bool sessions = worker % 2 == 1;
        var mine = new List<long>();
        for (int seq = 0; seq < maxWritesPerWorker && !stop.IsCancellationRequested; seq++)
        {
            long key = worker * 1_000_000L + seq;
            string value = $"w{worker}-s{seq}-{_padding}";
            long timestamp = Interlocked.Increment(ref _nextTimestampMicros);
            var write = KvTable.Write(keyspace, key, value, timestamp, Consistency.Quorum);
            if (await SendAsync(random, $"write k={key}", (node, o) => sessions
                    ? SessionFor(node).MutateAsync(write, o.Deadline!.Value)
                    : cluster.Client(node).MutateAsync(write, o).ResponseAsync) is not { } ack) continue;
            _acknowledgedBy[key] = ack.Node;
            _acknowledged[key] = value;
            mine.Add(key);

            if (seq % ReadEveryNthWrite != 0) continue;
            long check = mine[random.Next(mine.Count)];
            var read = KvTable.Read(keyspace, check, Consistency.Quorum);
            var answer = await SendAsync(random, $"read k={check}", (node, o) => sessions
                ? SessionFor(node).ReadAsync(read, o.Deadline!.Value)
                : cluster.Client(node).ReadAsync(read, o).ResponseAsync);
            if (answer is null) continue;
            string? got = KvTable.Value(answer.Value.Result);
            if (got != _acknowledged[check]) _failures.Enqueue($"QUORUM read of k={check} returned '{got ?? "(no row)"}' after an acknowledged QUORUM write");
            Interlocked.Increment(ref _readsChecked);
        }
    }

    /// <summary>
    /// Sends to nodes in rotation until one answers; the answer and the node that gave it, or null (and a recorded
    /// failure) when the request finally failed.
    /// </summary>
    private async Task<(T Result, int Node)?> SendAsync<T>(Random random, string what, Func<int, CallOptions, Task<T>> call)
    {
        var tried = new HashSet<int>();
        var errors = new List<string>();
        while (Routing.Pick(random, tried) is { } node)
        {
            tried.Add(node);
            try
            {
                return (await call(node, ProcessCluster.Call(10)), node);
            }
            catch (RpcException e) when (RpcErrors.IsTransportFailure(e))
            {
                Routing.Failed(node);
                errors.Add($"node{node}: {e.StatusCode} (transport, failed over)");
            }
            catch (RpcException e)
            {
                _failures.Enqueue($"{what} on node{node}: {e.StatusCode} {RpcErrors.Kind(e) ?? "-"}: {e.Status.Detail}");
                return null;
            }
        }
        _failures.Enqueue($"{what}: no node left to try ({string.Join("; ", errors)})");
        return null;
    }
}
