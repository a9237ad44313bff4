using RingStore.Bench.Scenarios;

namespace RingStore.Bench;

/// <summary>`bench &lt;scenario&gt; [options]`: each scenario is one class under Scenarios/.</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        string scenario = args.Length > 0 ? args[0] : "";
        string[] rest = args.Skip(1).ToArray();
        try
        {
            return scenario switch
            {
                "storage" => StorageScenario.Run(rest),
                "storage-worker" => StorageWorker.Run(rest),
                "gossip-sim" => GossipSimScenario.Run(rest),
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
        Console.Error.WriteLine("  gossip-sim [--sizes 10,100,1000] [--seeds N] [--warmup-seconds S] [--loss-seconds S] [--losses 0.1,0.3] [--bytes-rounds R] [--no-ownership] [--json PATH]   simulated gossip convergence, failure detection, ownership balance");
        return 2;
    }
}
