using System.Collections.Concurrent;
using System.Diagnostics;
using RingStore.Bench.Verification;
using RingStore.Bench.Workloads;
using RingStore.Client;
using RingStore.Client.Protos;

namespace RingStore.Bench.ScaleOut;

/// <summary>Rows [FirstRow, FirstRow + Count) of bulk partition Partition, acknowledged at QUORUM.</summary>
public readonly record struct LoadedChunk(long Partition, int FirstRow, int Count);

/// <summary>What the bulk load wrote: which rows were acknowledged, how fast, how many mutations failed for good.</summary>
public sealed record BulkLoadResult(IReadOnlyList<LoadedChunk> Acked, long Rows, long Bytes, double Seconds, long FailedMutations, long Retries)
{
    public double MiBPerSecond => Seconds > 0 ? Math.Round(Bytes / 1048576.0 / Seconds, 1) : 0;
}

/// <summary>
/// Loads the data the new node will stream: partitions (id = partition number, one bucket a day before the load's
/// start), RowsPerPartition readings each with LoadValueBytes-byte values derived from the key (so the final check can
/// verify them), written RowsPerMutation rows per QUORUM mutation by LoadConcurrency loops. A failed mutation is
/// retried (it is idempotent: same rows, same values) up to 4 times, then counted and left out of the expected rows.
/// </summary>
public sealed class BulkLoad(ReadingsTable table, ScaleOutSettings settings, long startMillis)
{
    private const int Attempts = 5;

    public string Bucket { get; } = TimeBuckets.Name(startMillis, TimeSpan.FromDays(1));

    public long StartMillis { get; } = TimeBuckets.StartOf(startMillis, TimeSpan.FromDays(1));

    /// <summary>Rows in partition p (the last partition holds the remainder).</summary>
    public int RowsIn(long partition) =>
        (int)Math.Min(settings.RowsPerPartition, settings.LoadRows - partition * settings.RowsPerPartition);

    public async Task<BulkLoadResult> RunAsync(RingStoreClient client, Action<long, long> progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(progress);
        var acked = new ConcurrentBag<LoadedChunk>();
        long next = -1, rowsDone = 0, failed = 0, retries = 0;
        var clock = Stopwatch.StartNew();
        async Task LoopAsync()
        {
            for (long p = Interlocked.Increment(ref next); p < settings.LoadPartitions; p = Interlocked.Increment(ref next))
            {
                int rows = RowsIn(p);
                for (int first = 0; first < rows; first += settings.RowsPerMutation)
                {
                    int count = Math.Min(settings.RowsPerMutation, rows - first);
                    var mutation = table.WriteRows(p, Bucket, StartMillis + first, count, settings.LoadValueBytes, 0);
                    for (int attempt = 1; ; attempt++)
                    {
                        try
                        {
                            await client.MutateAsync([mutation], Consistency.Quorum, ct).ConfigureAwait(false);
                            acked.Add(new LoadedChunk(p, first, count));
                            Interlocked.Add(ref rowsDone, count);
                            break;
                        }
                        catch (RingStoreException) when (attempt < Attempts && !ct.IsCancellationRequested)
                        {
                            Interlocked.Increment(ref retries);
                            await Task.Delay(200 * attempt, ct).ConfigureAwait(false);
                        }
                        catch (RingStoreException) when (!ct.IsCancellationRequested)
                        {
                            Interlocked.Increment(ref failed);
                            break;
                        }
                    }
                }
            }
        }
        var loops = Enumerable.Range(0, settings.LoadConcurrency).Select(_ => Task.Run(LoopAsync, ct)).ToList();
        var all = Task.WhenAll(loops);
        while (await Task.WhenAny(all, Task.Delay(2000, ct)).ConfigureAwait(false) != all)
            progress(Interlocked.Read(ref rowsDone), settings.LoadRows);
        await all.ConfigureAwait(false);
        progress(rowsDone, settings.LoadRows);
        return new BulkLoadResult([.. acked], rowsDone, rowsDone * settings.LoadValueBytes, clock.Elapsed.TotalSeconds, failed, retries);
    }

    /// <summary>The acknowledged rows as writes to check, grouped by partition.</summary>
    public IEnumerable<(long Id, string Bucket, IReadOnlyCollection<AckedWrite> Writes)> Expected(IReadOnlyList<LoadedChunk> acked)
    {
        ArgumentNullException.ThrowIfNull(acked);
        foreach (var partition in acked.GroupBy(c => c.Partition))
        {
            var writes = partition.SelectMany(c => Enumerable.Range(c.FirstRow, c.Count))
                .Select(row => new AckedWrite(partition.Key, Bucket, StartMillis + row)).ToList();
            yield return (partition.Key, Bucket, writes);
        }
    }
}
