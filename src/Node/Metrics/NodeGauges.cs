using System.Diagnostics.Metrics;
using RingStore.Node.Cluster;
using RingStore.Node.Streaming;
using RingStore.Storage.Engine;
using RingStore.Storage.Hints;

namespace RingStore.Node.Metrics;

/// <summary>
/// Observable instruments on the node's meter: each reads a figure the engine, hint store, gossip or stream registry
/// already keeps, only when a listener collects (a Prometheus scrape), so none adds work to a request. The services are
/// looked up through delegates because the node creates them after its metrics; before that the instruments report
/// nothing. Per-table series are labelled keyspace/table, per-peer ones peer: bounded by the schema and the ring.
/// </summary>
public sealed class NodeGauges(Func<StorageEngine?> engine, Func<HintStore?> hints, Func<GossipService?> gossip, StreamRegistry streams)
{
    public void Register(Meter meter)
    {
        ArgumentNullException.ThrowIfNull(meter);
        meter.CreateObservableGauge("ringstore.storage.memtable.size", () => PerTable(t => t.MemtableBytes), "By",
            "Bytes held in the table's memtables (live and flushing).");
        meter.CreateObservableCounter("ringstore.storage.flushes", () => PerTable(t => t.Flushes), null, "Memtable flushes to SSTables.");
        meter.CreateObservableCounter("ringstore.storage.compactions", () => PerTable(t => t.Compactions), null, "Compactions finished.");
        meter.CreateObservableGauge("ringstore.storage.compactions.pending", () => PerTable(t => (long)t.PendingCompactions), null,
            "Compactions the strategy would run now (Cassandra's PendingCompactions).");
        meter.CreateObservableGauge("ringstore.storage.sstables", () => PerTable(t => (long)t.SSTableCount), null, "Live SSTables.");
        meter.CreateObservableGauge("ringstore.storage.disk.used", () => PerTable(t => t.DiskBytes), "By", "Bytes of the live SSTables.");
        meter.CreateObservableCounter("ringstore.storage.local.reads", () => PerTable(t => t.Reads), null, "Partition reads served by this replica.");
        meter.CreateObservableCounter("ringstore.storage.local.writes", () => PerTable(t => t.Writes), null, "Mutations applied by this replica.");
        meter.CreateObservableGauge("ringstore.commitlog.pending", CommitLogPending, "By",
            "Commit log not yet released by a flush (what the commit-log space cap limits).");
        meter.CreateObservableCounter("ringstore.hints.replayed", () => Hint(h => h.DeliveredCount), null, "Hints delivered to their target.");
        meter.CreateObservableCounter("ringstore.hints.dropped", () => Hint(h => h.DroppedCount), null,
            "Hints dropped (expired past the hint window, or over the per-host size cap).");
        meter.CreateObservableGauge("ringstore.hints.pending", () => PerTarget(s => s.PendingCount), null, "Hints waiting for their target, per target.");
        meter.CreateObservableGauge("ringstore.hints.pending.size", () => PerTarget(s => s.PendingBytes), "By", "Bytes of hints waiting, per target.");
        meter.CreateObservableGauge("ringstore.gossip.live_nodes", () => Members(alive: true), null, "Members this node sees UP (itself included).");
        meter.CreateObservableGauge("ringstore.gossip.down_nodes", () => Members(alive: false), null, "Members this node sees DOWN.");
        meter.CreateObservableGauge("ringstore.gossip.phi", Phi, null, "Phi-accrual suspicion of each peer (convicted above the threshold, 8 by default).");
        meter.CreateObservableCounter("ringstore.streaming", Streaming, "By", "Bytes streamed to or from peers (bootstrap, repair, rebuild), by direction.");
    }

    private IEnumerable<Measurement<long>> PerTable(Func<TableStats, long> value)
    {
        var e = engine();
        if (e is null) yield break;
        foreach (var t in e.GetStats().Tables)
        {
            int dot = t.Table.IndexOf('.', StringComparison.Ordinal);
            yield return new Measurement<long>(value(t),
                new KeyValuePair<string, object?>("keyspace", dot < 0 ? "" : t.Table[..dot]),
                new KeyValuePair<string, object?>("table", dot < 0 ? t.Table : t.Table[(dot + 1)..]));
        }
    }

    private IEnumerable<Measurement<long>> CommitLogPending()
    {
        if (engine() is { } e) yield return new Measurement<long>(e.GetStats().CommitLogBytes);
    }

    private IEnumerable<Measurement<long>> Hint(Func<HintStore, long> value)
    {
        if (hints() is { } h) yield return new Measurement<long>(value(h));
    }

    private IEnumerable<Measurement<long>> PerTarget(Func<HintTargetStats, long> value)
    {
        if (hints() is not { } h || gossip() is not { } g) yield break;
        foreach (var member in g.Current.Members)
        {
            if (member.Endpoint == g.LocalEndpoint || member.HostId == Guid.Empty) continue;
            yield return new Measurement<long>(value(h.GetStats(member.HostId)), new KeyValuePair<string, object?>("target", member.Endpoint));
        }
    }

    private IEnumerable<Measurement<int>> Members(bool alive)
    {
        if (gossip() is not { } g) yield break;
        var snapshot = g.Current;
        yield return new Measurement<int>(snapshot.Members.Count(m => snapshot.IsAlive(m.Endpoint) == alive));
    }

    private IEnumerable<Measurement<double>> Phi()
    {
        if (gossip() is not { } g) yield break;
        foreach (var (peer, phi) in g.PeerPhi())
            yield return new Measurement<double>(double.IsFinite(phi) ? phi : double.MaxValue, new KeyValuePair<string, object?>("peer", peer));
    }

    private IEnumerable<Measurement<long>> Streaming()
    {
        yield return new Measurement<long>(streams.TotalBytes("in"), new KeyValuePair<string, object?>("direction", "in"));
        yield return new Measurement<long>(streams.TotalBytes("out"), new KeyValuePair<string, object?>("direction", "out"));
    }
}
