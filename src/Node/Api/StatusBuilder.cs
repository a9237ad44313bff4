using RingStore.Client.Protos;
using RingStore.Gossip.Ring;
using RingStore.Node.Cluster;
using RingStore.Node.Metrics;
using RingStore.Node.Requests;
using RingStore.Node.Schema;
using StorageEngine = RingStore.Storage.Engine.StorageEngine;
using RingStore.Storage.Hints;

namespace RingStore.Node.Api;

/// <summary>Builds the DescribeRing and Status answers from one membership snapshot and this node's metrics.</summary>
public sealed class StatusBuilder(StatusBuilder.Sources node)
{
    /// <summary>What the answers are built from (the host wires them; nothing here holds the node).</summary>
    public sealed record Sources(
        string ClusterName,
        string Self,
        Func<MembershipSnapshot> CurrentMembership,
        ReplicaLookup Lookup,
        HintStore Hints,
        StorageEngine Engine,
        RingStore.Node.Metrics.NodeMetrics Metrics,
        TopPartitionsTracker TopPartitions,
        Func<string, (double ReadsPerSecond, double WritesPerSecond)> TableRates,
        SchemaManager Schema)
    {
        public MembershipSnapshot Membership => CurrentMembership();
    }

    public DescribeRingResponse DescribeRing()
    {
        var membership = node.Membership;
        var response = new DescribeRingResponse
        {
            ClusterName = node.ClusterName,
            Partitioner = "org.apache.cassandra.dht.Murmur3Partitioner",
            RingVersion = membership.Sequence,
        };
        var resolved = membership.Resolved;
        response.Nodes.AddRange(membership.Members.Select(m => Describe(m, resolved.Member(m.Endpoint)?.DisplayStatus)));
        return response;
    }


    /// <summary>
    /// <paramref name="displayStatus"/> is the ring's view (REMOVING, REMOVED, a replaced node as LEAVING) when known;
    /// the raw gossip STATUS otherwise.
    /// </summary>
    public static NodeDescription Describe(MemberInfo member, string? displayStatus = null)
    {
        ArgumentNullException.ThrowIfNull(member);
        var description = new NodeDescription
        {
            HostId = member.HostId.ToString(),
            Endpoint = member.Endpoint,
            RpcAddress = member.RpcAddress ?? "",
            Liveness = member.IsAlive ? "UP" : "DOWN",
            Status = displayStatus ?? member.Status,
            Datacenter = member.Datacenter,
            Rack = member.Rack,
        };
        description.Tokens.AddRange(member.Tokens.Select(t => t.Value));
        return description;
    }

    public StatusResponse Status(string keyspace)
    {
        var membership = node.Membership;
        IReplicationStrategy strategy = string.IsNullOrEmpty(keyspace) ? new SimpleStrategy(1) : node.Lookup.Strategy(keyspace);
        var ring = membership.For(strategy).Ring;
        var ownership = ring.IsEmpty ? new Dictionary<string, double>() : Ownership.Replicated(ring, strategy);
        var response = new StatusResponse { ClusterName = node.ClusterName, Metrics = Metrics() };
        var resolved = membership.Resolved;
        foreach (var member in membership.Members)
        {
            var hints = member.HostId == Guid.Empty ? 0 : node.Hints.GetStats(member.HostId).PendingCount;
            response.Nodes.Add(new NodeStatus
            {
                Node = Describe(member, resolved.Member(member.Endpoint)?.DisplayStatus),
                LoadBytes = member.Endpoint == membership.LocalEndpoint ? LocalLoad() : member.LoadBytes,
                Ownership = ownership.TryGetValue(member.Endpoint, out double owns) ? owns : 0,
                HintsPending = hints,
                TokenCount = member.Tokens.Count,
                SchemaVersion = member.SchemaVersion ?? "",
            });
        }
        return response;
    }

    private long LocalLoad() => node.Engine.GetStats().Tables.Sum(t => t.DiskBytes + t.MemtableBytes);

    private Client.Protos.NodeMetrics Metrics()
    {
        // Read first, so what this Status call allocates counts in the next reading, not in this one.
        long allocated = GC.GetTotalAllocatedBytes(precise: false);
        var m = node.Metrics;
        var stats = node.Engine.GetStats();
        var metrics = new Client.Protos.NodeMetrics
        {
            Endpoint = node.Self,
            CoordinatorReads = m.CoordinatorReads,
            CoordinatorReadsPerSecond = m.ReadRate.PerSecond(),
            CoordinatorWritesPerSecond = m.WriteRate.PerSecond(),
            CoordinatorWrites = m.CoordinatorWrites,
            CoordinatorReadLatency = Latency(m.ReadLatency),
            CoordinatorWriteLatency = Latency(m.WriteLatency),
            HintsStored = node.Hints.StoredCount,
            HintsReplayed = node.Hints.DeliveredCount,
            HintsDropped = node.Hints.DroppedCount,
            ReadRepairs = m.ReadRepairs,
            SpeculativeRetries = m.SpeculativeRetries,
            PendingCompactions = stats.Tables.Sum(t => (long)t.PendingCompactions),
            Unavailables = m.Unavailables,
            WriteTimeouts = m.WriteTimeouts,
            ReadTimeouts = m.ReadTimeouts,
            ReplicaReads = m.ReplicaReads,
            ReplicaWrites = m.ReplicaWrites,
            GcAllocatedBytes = allocated,
        };
        foreach (var (table, isWrite, hitter) in node.TopPartitions.Top(10))
        {
            metrics.TopPartitions.Add(new TopPartition
            {
                Table = table,
                PartitionKeyHex = hitter.Item,
                PartitionKey = DescribeKey(table, hitter.Item),
                Kind = isWrite ? "write" : "read",
                Count = hitter.Count,
                Error = hitter.Error,
                Guaranteed = hitter.Guaranteed,
            });
        }
        foreach (var t in stats.Tables)
        {
            var rates = node.TableRates(t.Table);
            metrics.Tables.Add(new TableMetrics
            {
                Table = t.Table,
                ReadsPerSecond = rates.ReadsPerSecond,
                WritesPerSecond = rates.WritesPerSecond,
                ReadLatency = new LatencyStats { Count = t.ReadLatency.Count, P50Ms = t.ReadLatency.P50Micros / 1000.0, P99Ms = t.ReadLatency.P99Micros / 1000.0, MaxMs = t.ReadLatency.MaxMicros / 1000.0 },
                WriteLatency = new LatencyStats { Count = t.WriteLatency.Count, P50Ms = t.WriteLatency.P50Micros / 1000.0, P99Ms = t.WriteLatency.P99Micros / 1000.0, MaxMs = t.WriteLatency.MaxMicros / 1000.0 },
                LiveSstables = t.SSTableCount,
                DiskBytes = t.DiskBytes,
                PendingCompactions = t.PendingCompactions,
                MemtableBytes = t.MemtableBytes,
                SstablePartitions = t.SSTablePartitions,
                LocalReads = t.Reads,
                LocalWrites = t.Writes,
                Flushes = t.Flushes,
                Compactions = t.Compactions,
                TombstonesScanned = t.TombstonesScanned,
            });
        }
        return metrics;
    }

    /// <summary>The key's values as text ("42, 2026-11"), from the table's key types; empty if the table is gone.</summary>
    private string DescribeKey(string table, string hex)
    {
        int dot = table.IndexOf('.', StringComparison.Ordinal);
        if (dot < 0 || !node.Schema.Current.TryGetTable(table[..dot], table[(dot + 1)..], out var schema)) return "";
        try
        {
            var values = Core.Values.PartitionKeyCodec.Deserialize(schema.PartitionKey, Convert.FromHexString(hex));
            return string.Join(", ", values.Select(v => v is DateTimeOffset d ? d.ToString("O", System.Globalization.CultureInfo.InvariantCulture) : Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture)));
        }
        catch (Core.Errors.InvalidRequestException)
        {
            return "";
        }
    }

    private static LatencyStats Latency(LatencyRecorder recorder)
    {
        var (count, p50, p99, max) = recorder.Summary();
        return new LatencyStats { Count = count, P50Ms = p50, P99Ms = p99, MaxMs = max };
    }
}
