using System.Collections.Concurrent;
using Grpc.Core;
using RingStore.Client.Protos;

namespace RingStore.Cluster.Tests;

/// <summary>
/// A QUORUM write+read load on <see cref="KvTable"/> over the nodes' gRPC clients, with nodes the test can take out of
/// rotation (a host about to be cut off: its calls would only hang until their deadline). Each worker writes its own
/// keys (never overwritten) with client timestamps and reads one of its acknowledged keys back at QUORUM every third
/// write. A call that fails on a node out of rotation is retried on another with the same timestamp (idempotent);
/// an error from a node in rotation, or a read that misses an acknowledged value, is a failure, except a Read/WriteTimeout
/// of a request that overlapped a window the test marked as a transition (a replica cut off and not yet convicted, or
/// just back): those are kept apart (<see cref="Timeouts"/>) for the test to judge. A timeout acknowledged nothing.
/// </summary>
public sealed class HostLoad(IReadOnlyList<RingStoreApi.RingStoreApiClient> clients, string keyspace)
{
    private readonly ConcurrentDictionary<long, string> _acknowledged = new();
    private readonly ConcurrentDictionary<int, int> _acknowledgedBy = new();
    private readonly ConcurrentQueue<string> _failures = new();
    private readonly ConcurrentQueue<(DateTime Start, DateTime End, string What)> _timeouts = new();
    private readonly List<(DateTime Start, DateTime End)> _transitions = [];
    private DateTime? _transitionStart;
    private readonly bool[] _excluded = new bool[clients.Count];
    private long _timestamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000;
    private long _reads;

    public IReadOnlyDictionary<long, string> Acknowledged => _acknowledged;

    /// <summary>Every failure, with the timeouts that did not overlap a transition window.</summary>
    public IReadOnlyList<string> Failures =>
        [.. _failures, .. _timeouts.Where(t => !OverlapsTransition(t.Start, t.End)).Select(t => $"{t.What} (outside any transition)")];

    /// <summary>Timeouts of requests that overlapped a transition window.</summary>
    public IReadOnlyList<string> Timeouts => [.. _timeouts.Where(t => OverlapsTransition(t.Start, t.End)).Select(t => t.What)];

    public void BeginTransition()
    {
        lock (_transitions) _transitionStart = DateTime.UtcNow;
    }

    public void EndTransition()
    {
        lock (_transitions)
        {
            _transitions.Add((_transitionStart ?? throw new InvalidOperationException("no transition begun"), DateTime.UtcNow));
            _transitionStart = null;
        }
    }

    private bool OverlapsTransition(DateTime start, DateTime end)
    {
        lock (_transitions) return _transitions.Any(w => start <= w.End && end >= w.Start) || (_transitionStart is { } open && end >= open);
    }

    public long ReadsChecked => Interlocked.Read(ref _reads);

    /// <summary>Writes the node coordinated and acknowledged.</summary>
    public int AcknowledgedBy(int node) => _acknowledgedBy.GetValueOrDefault(node);

    public void Exclude(int node) => Volatile.Write(ref _excluded[node], true);

    public void Include(int node) => Volatile.Write(ref _excluded[node], false);

    public Task RunAsync(int workers, CancellationToken stop) =>
        Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(() => WorkerAsync(w, stop), CancellationToken.None)));

    /// <summary>Polls until at least <paramref name="count"/> writes were acknowledged (or the patience runs out).</summary>
    public Task WaitForAcknowledgedAsync(int count, string what) =>
        ProcessCluster.WaitUntilAsync(() => Task.FromResult(_acknowledged.Count >= count), $"{count} writes acknowledged {what} (have {_acknowledged.Count}; failures: {string.Join("; ", _failures.Take(5))})",
            TimeSpan.FromSeconds(90));

    private async Task WorkerAsync(int worker, CancellationToken stop)
    {
        var random = new Random(worker);
        var mine = new List<long>();
        for (long seq = 0; !stop.IsCancellationRequested; seq++)
        {
            long key = worker * 1_000_000L + seq;
            string value = $"w{worker}-s{seq}";
            var write = KvTable.Write(keyspace, key, value, Interlocked.Increment(ref _timestamp), Consistency.Quorum);
            if (await SendAsync(random, $"write k={key}", (c, o) => c.MutateAsync(write, o).ResponseAsync) is not { } ack) continue;
            _acknowledged[key] = value;
            _acknowledgedBy.AddOrUpdate(ack.Node, 1, (_, n) => n + 1);
            mine.Add(key);
            if (seq % 3 != 0) continue;
            long check = mine[random.Next(mine.Count)];
            var read = KvTable.Read(keyspace, check, Consistency.Quorum);
            if (await SendAsync(random, $"read k={check}", (c, o) => c.ReadAsync(read, o).ResponseAsync) is not { } answer) continue;
            string? got = KvTable.Value(answer.Result);
            if (got != _acknowledged[check]) _failures.Enqueue($"QUORUM read of k={check} returned '{got ?? "(no row)"}' after an acknowledged QUORUM write");
            Interlocked.Increment(ref _reads);
        }
    }

    private async Task<(T Result, int Node)?> SendAsync<T>(Random random, string what, Func<RingStoreApi.RingStoreApiClient, CallOptions, Task<T>> call)
    {
        var tried = new HashSet<int>();
        while (true)
        {
            var candidates = Enumerable.Range(0, clients.Count).Where(n => !Volatile.Read(ref _excluded[n]) && !tried.Contains(n)).ToList();
            if (candidates.Count == 0)
            {
                _failures.Enqueue($"{what}: no node left to try");
                return null;
            }
            int node = candidates[random.Next(candidates.Count)];
            tried.Add(node);
            var started = DateTime.UtcNow;
            try
            {
                return (await call(clients[node], ProcessCluster.Call(10)), node);
            }
            catch (RpcException e) when (Volatile.Read(ref _excluded[node]))
            {
                _ = e; // the node went out of rotation while the call was on it: the same request goes elsewhere
            }
            catch (RpcException e) when (RpcErrors.Kind(e) is "ReadTimeout" or "WriteTimeout")
            {
                _timeouts.Enqueue((started, DateTime.UtcNow, $"{what} on node{node}: {RpcErrors.Kind(e)}: {e.Status.Detail}"));
                return null;
            }
            catch (RpcException e)
            {
                _failures.Enqueue($"{what} on node{node}: {e.StatusCode} {RpcErrors.Kind(e) ?? "-"}: {e.Status.Detail}");
                return null;
            }
        }
    }
}
