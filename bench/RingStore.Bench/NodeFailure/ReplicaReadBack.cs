using Grpc.Core;
using RingStore.Bench.FailureInjection;
using RingStore.Bench.Measurement;
using RingStore.Bench.Verification;
using RingStore.Bench.Workloads;
using RingStore.Client.Protos;
using RingStore.Client.Routing;

namespace RingStore.Bench.NodeFailure;

/// <summary>
/// The final check: every acknowledged write read back at ONE from every one of its replicas. A coordinator at ONE
/// may pick any live replica, so to be sure a read reflects one node's data the check runs that node alone: all nodes
/// are stopped, then each is started by itself (it sees no peer alive, so it answers from its own storage), its
/// partitions are read through it, and it is stopped again.
/// </summary>
public static class ReplicaReadBack
{
    public static async Task<ReadBackResult> RunAsync(IBenchCluster cluster, IReadOnlyList<NodeProbe> probes, ClusterMetadata metadata,
        ReadingsTable table, IReadOnlyList<AckedWrite> acked, int valueBytes, Action<string> log, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(probes);
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(acked);
        ArgumentNullException.ThrowIfNull(log);
        var partitions = acked.GroupBy(w => (w.Id, w.Bucket)).ToDictionary(g => g.Key, g => (IReadOnlyCollection<AckedWrite>)[.. g]);
        var replicasOf = partitions.Keys.ToDictionary(k => k, k => Replicas(metadata, table, k.Id, k.Bucket));
        var copiesFound = new Dictionary<(long, string, long), int>();
        long wrongValues = 0, missingCopies = 0, checkedCopies = 0;
        var perNode = new List<NodeReadBack>();

        await cluster.StopAllAsync(TimeSpan.FromSeconds(20)).ConfigureAwait(false);
        for (int node = 0; node < cluster.Count; node++)
        {
            string address = cluster.GrpcEndpoints[node];
            var mine = partitions.Where(p => replicasOf[p.Key].Contains(address)).ToList();
            long expected = 0, missing = 0, wrong = 0, errors = 0;
            double missingFrom = double.MaxValue, missingTo = double.MinValue;
            await cluster.RestartNodeAsync(node, 1, TimeSpan.FromSeconds(90), ct).ConfigureAwait(false);
            try
            {
                foreach (var (key, writes) in mine)
                {
                    ReadResponse? response = null;
                    for (int attempt = 0; attempt < 3 && response is null; attempt++)
                    {
                        try
                        {
                            response = await ReadAllAsync(probes[node], table.FullRead(key.Id, key.Bucket, 0, Consistency.One), ct).ConfigureAwait(false);
                        }
                        catch (RpcException) when (attempt < 2)
                        {
                            await Task.Delay(200, ct).ConfigureAwait(false);
                        }
                        catch (RpcException)
                        {
                            errors++;
                        }
                    }
                    if (response is null) continue;
                    var result = PartitionCheck.Compare(writes, response, valueBytes);
                    expected += result.Expected;
                    missing += result.Missing;
                    wrong += result.WrongValue;
                    foreach (var w in writes)
                    {
                        if (PartitionCheck.Holds(w, Only(response, w), valueBytes))
                        {
                            var k = (w.Id, w.Bucket, w.TimestampMillis);
                            copiesFound[k] = copiesFound.GetValueOrDefault(k) + 1;
                        }
                        else
                        {
                            missingFrom = Math.Min(missingFrom, w.AckedAtSeconds);
                            missingTo = Math.Max(missingTo, w.AckedAtSeconds);
                        }
                    }
                }
            }
            finally
            {
                await cluster.StopNodeAsync(node, TimeSpan.FromSeconds(20)).ConfigureAwait(false);
            }
            log($"read-back node{node}: {mine.Count} partitions, {expected} copies expected, {missing} missing, {wrong} wrong, {errors} read errors");
            perNode.Add(new NodeReadBack($"node{node}", mine.Count, expected, missing, wrong, errors,
                missing > 0 ? Math.Round(missingFrom, 2) : null, missing > 0 ? Math.Round(missingTo, 2) : null));
            checkedCopies += expected;
            missingCopies += missing;
            wrongValues += wrong;
        }

        long lost = 0, underReplicated = 0;
        var lostKeys = new HashSet<(long, string, long)>();
        foreach (var (key, writes) in partitions)
        {
            int replicas = replicasOf[key].Count;
            foreach (var w in writes)
            {
                int found = copiesFound.GetValueOrDefault((w.Id, w.Bucket, w.TimestampMillis));
                if (found == 0)
                {
                    lost++;
                    lostKeys.Add((w.Id, w.Bucket, w.TimestampMillis));
                }
                else if (found < replicas) underReplicated++;
            }
        }
        return new ReadBackResult
        {
            AckedWrites = acked.Count,
            ReplicaCopiesChecked = checkedCopies,
            ReplicaCopiesMissing = missingCopies,
            WrongValues = wrongValues,
            WritesNotOnEveryReplica = underReplicated,
            LostWrites = lost,
            Lost = lostKeys,
            PerNode = perNode,
        };
    }

    private static IReadOnlyList<string> Replicas(ClusterMetadata metadata, ReadingsTable table, long id, string bucket)
    {
        var key = table.FullRead(id, bucket, 0, Consistency.One).PartitionKey;
        var token = metadata.TokenOf(table.Keyspace, table.Table, key) ?? throw new InvalidOperationException($"The client does not know table {table.Table}.");
        return metadata.ReplicaAddresses(table.Keyspace, token);
    }

    private static Task<ReadResponse> ReadAllAsync(NodeProbe probe, ReadRequest read, CancellationToken ct) =>
        PagedRead.AllPagesAsync((r, c) => probe.ReadAsync(r, TimeSpan.FromSeconds(10), c), read, ct);

    /// <summary>The response narrowed to one write's row, to count that copy.</summary>
    private static ReadResponse Only(ReadResponse response, AckedWrite write)
    {
        var narrowed = new ReadResponse();
        narrowed.Columns.AddRange(response.Columns);
        int ts = -1;
        for (int i = 0; i < response.Columns.Count; i++) if (response.Columns[i].Name == "ts") ts = i;
        if (ts >= 0) narrowed.Rows.AddRange(response.Rows.Where(r => r.Values[ts].Bigint == write.TimestampMillis));
        return narrowed;
    }
}
