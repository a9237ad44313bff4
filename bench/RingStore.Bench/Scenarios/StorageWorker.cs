using System.Diagnostics;
using System.Text.Json;
using RingStore.Bench.Storage;

namespace RingStore.Bench.Scenarios;

/// <summary>
/// `bench storage-worker --target ringstore|rocksdb --dir D --out F [sizes]`: runs the storage
/// workload against one target in this process and writes its figures as JSON.
/// </summary>
public static class StorageWorker
{
    public sealed record WorkerResult(string Target, IReadOnlyList<StorageWorkload.PhaseResult> Phases, long PeakRssBytes, long DiskBytes,
        long TableFileBytes = 0);

    public static int Run(string[] args)
    {
        var a = new Args(args);
        string target = a.Get("--target") ?? throw new ArgumentException("--target is required");
        string dir = a.Get("--dir") ?? throw new ArgumentException("--dir is required");
        string output = a.Get("--out") ?? throw new ArgumentException("--out is required");
        var workload = new StorageWorkload(StorageScenario.SettingsFrom(a));
        // --compression none|lz4|zstd (default: each store's own default); --no-single-writes skips phase (a).
        string? compression = a.Get("--compression");

        IStorageTarget Open(string sub) => target switch
        {
            "ringstore" => new RingStoreTarget(Path.Combine(dir, sub), CompressionScenario.RingStoreCompression(compression, a.GetInt("--chunk-kb", Core.Schema.CompressionOptions.DefaultChunkLengthKb)),
                a.Get("--chunk-cache-mib") is null ? null : a.GetInt("--chunk-cache-mib", 0)),
            "rocksdb" => new RocksDbTarget(Path.Combine(dir, sub), compression),
            _ => throw new ArgumentException($"unknown target '{target}'"),
        };

        var phases = new List<StorageWorkload.PhaseResult>();
        if (!a.Has("--no-single-writes"))
        {
            using (var single = Open("a"))
                phases.Add(Report(workload.WriteSingleRows(single), single));
            Directory.Delete(Path.Combine(dir, "a"), recursive: true);
        }

        long disk, tableFiles;
        using (var batched = Open("b"))
        {
            phases.Add(Report(workload.WriteBatches(batched), batched));
            batched.FlushAndCompact();
            phases.Add(Report(workload.PointReads(batched)));
            phases.Add(Report(workload.FullSlices(batched)));
            phases.Add(Report(workload.RangeSlices(batched)));
            disk = batched.DiskBytes();
            tableFiles = batched.TableFileBytes();
        }
        using var self = Process.GetCurrentProcess();
        var result = new WorkerResult(target, phases, self.PeakWorkingSet64, disk, tableFiles);
        File.WriteAllText(output, JsonSerializer.Serialize(result));
        return 0;

        StorageWorkload.PhaseResult Report(StorageWorkload.PhaseResult p, IStorageTarget? writer = null)
        {
            if (writer is RingStoreTarget rs && rs.EngineMutations > 0)
            {
                p = p with { EngineAllocatedBytesPerMutation = (double)rs.EngineAllocatedBytes / rs.EngineMutations };
                rs.ResetAllocationCount();
            }
            string alloc = p.EngineAllocatedBytesPerMutation > 0 ? $"  engine alloc {p.EngineAllocatedBytesPerMutation,8:N0} B/mutation" : "";
            Console.Error.WriteLine($"  {target,-9} {p.Workload,-32} {p.OpsPerSecond,12:N0} ops/s  p99 {p.P99Micros,8:N0} µs  checked {p.Checked}/{p.Operations}{alloc}");
            return p;
        }
    }
}
