using RingStore.Bench.Scenarios;

namespace RingStore.Bench;

/// <summary>`bench &lt;scenario&gt; [options]`: each scenario is one class under Scenarios/.</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        string scenario = args.Length > 0 ? args[0] : "";
        string[] rest = args.Skip(1).ToArray();
        // Help before anything runs: `cluster --help` used to ignore the unknown option and start a full benchmark.
        if (scenario is "--help" or "-h" or "help" || rest.Contains("--help") || rest.Contains("-h"))
        {
            Usage("");
            return 0;
        }
        try
        {
            return scenario switch
            {
                "storage" => StorageScenario.Run(rest),
                "storage-worker" => StorageWorker.Run(rest),
                "storage-compression" => CompressionScenario.Run(rest),
                "chunk-cache" => ChunkCacheScenario.Run(rest),
                "gossip-sim" => GossipSimScenario.Run(rest),
                "cluster" => ClusterScenario.Run(rest),
                "node-failure" => NodeFailureScenario.Run(rest),
                "hot-partition" => HotPartitionScenario.Run(rest),
                "cluster-plot" => ClusterPlotScenario.Run(rest),
                "scale-out" => ScaleOutScenario.Run(rest),
                "wide-partition" => WidePartitionScenario.Run(rest),
                "repair" => RepairScenario.Run(rest),
                "scatter-gather" => ScatterGatherScenario.Run(rest),
                _ => Usage(scenario),
            };
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 2;
        }
    }

    private static int Usage(string scenario)
    {
        if (scenario.Length > 0) Console.Error.WriteLine($"unknown scenario '{scenario}'");
        Console.Error.WriteLine("usage: bench <scenario> [options]");
        Console.Error.WriteLine("  storage [--json PATH] [--scale F]   RingStore's engine vs RocksDB on the same workload");
        Console.Error.WriteLine("  storage-compression [--rounds 3] [--json PATH] [--scale F]   time-series rows: SSTables uncompressed, LZ4, Zstd vs RocksDB LZ4");
        Console.Error.WriteLine("  chunk-cache [--rounds 5] [--chunk-kb 16] [--scale F]   time-series reads in one process: uncompressed, LZ4 without and with the chunk cache, RocksDB LZ4, alternated");
        Console.Error.WriteLine("  gossip-sim [--sizes 10,100,1000] [--seeds N] [--warmup-seconds S] [--loss-seconds S] [--losses 0.1,0.3] [--bytes-rounds R] [--no-ownership] [--json PATH]   simulated gossip convergence, failure detection, ownership balance");
        Console.Error.WriteLine("  cluster [--nodes 3] [--rf 3] [--duration 10] [--concurrency 16,64,256] [--consistency ONE,QUORUM] [--json PATH] [--base-port P] [--tls] [--auth]");
        Console.Error.WriteLine("          real node processes driven through gRPC: write/read throughput and p50/p99 per consistency and concurrency");
        Console.Error.WriteLine("  hot-partition [--nodes 5] [--exponents 0.8,1.0,1.2] [--duration 20] [--salt 8]   Zipfian load: per-node skew, the cluster's top partitions, then salted hot keys");
        Console.Error.WriteLine("  node-failure [--nodes 3|5] [--kill 1|2] [--partition | --pause] [--kill-at 10] [--restart-at 40] [--duration 60]   load at QUORUM while nodes fail and return");
        Console.Error.WriteLine("  scale-out [--data-mib 2048] [--stream-mib-per-sec 64] [--duration 30] [--rate R] [--json PATH] [--plots DIR]   a fourth node joins and an original node leaves under a paced QUORUM load");
        Console.Error.WriteLine("  wide-partition [--rows 1000000] [--in-values 1000] [--slice-rows 100] [--samples 300] [--page-size 5000]   the storage engine in-process: wide-partition slice, paged read, COUNT, IN, peak RSS");
        Console.Error.WriteLine("  wide-partition --cluster [--nodes 3] [--rf 3] [--consistency QUORUM] [--base-port 27900] [--rows ...]   the same through node processes and the SDK, plus a LIMIT 10 scan and each node's RSS growth");
        Console.Error.WriteLine("  repair [--data-mib 1024] [--fractions 0,0.001,0.01,0.1] [--value-bytes 1024] [--json PATH] [--plots DIR]   one replica differs by each fraction of rows; seconds, rows/bytes moved, overstream, peak RSS of `repair`");
        Console.Error.WriteLine("  scatter-gather [--rows 1000000] [--rows-per-partition 20] [--rf 3] [--repeats 3] [--scan-samples 40] [--mode both|parallel|sequential]   full-table COUNT/SUM sequential vs scatter-gather, scans with a node paused");
        Console.Error.WriteLine("  cluster-plot [--json bench/results/cluster/cluster.json]   throughput against p99 as concurrency grows, from the cluster scenario's JSON");
        return 2;
    }
}
