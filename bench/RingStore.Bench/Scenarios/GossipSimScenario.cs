using System.Globalization;
using System.Text.Json;
using RingStore.Gossip.Protocol;
using RingStore.Gossip.Ring;
using RingStore.Gossip.Simulation;
using RingStore.Gossip.State;
using Spectre.Console;

namespace RingStore.Bench.Scenarios;

/// <summary>
/// `bench gossip-sim [--sizes 10,100,1000,5000] [--seeds 3] [--loss-seconds 120] [--json PATH]`:
/// gossip dissemination, failure detection and false convictions in the deterministic simulator, plus
/// replicated-ownership balance of the random and balanced token allocators. Simulated time, real code.
/// </summary>
public static class GossipSimScenario
{
    public static int Run(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        int[] sizes = [.. Option(args, "--sizes", "10,100,1000,5000").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture))];
        int seeds = int.Parse(Option(args, "--seeds", "3"), CultureInfo.InvariantCulture);
        int lossSeconds = int.Parse(Option(args, "--loss-seconds", "120"), CultureInfo.InvariantCulture);
        string? jsonPath = Option(args, "--json", "");

        var gossipRows = new List<GossipRow>();
        foreach (int n in sizes)
        {
            // Above 1,000 nodes each simulated round is O(N^2) work: fewer seeds and shorter loss runs keep it to minutes.
            int runs = n > 1000 ? 1 : seeds;
            int lossRun = n > 1000 ? Math.Min(lossSeconds, 40) : lossSeconds;
            var rounds = new List<double>();
            var convict = new List<double>();
            int false10 = 0, false30 = 0;
            for (int s = 1; s <= runs; s++)
            {
                rounds.Add(RoundsToSpread(n, s));
                convict.Add(SecondsToConvict(n, s));
                false10 += FalseConvictions(n, s, 0.10, lossRun);
                false30 += FalseConvictions(n, s, 0.30, lossRun);
            }
            double bytes = BytesPerNodePerRound(n);
            rounds.Sort();
            convict.Sort();
            gossipRows.Add(new GossipRow(n, runs, rounds[rounds.Count / 2], rounds[^1], Math.Log2(n),
                convict[convict.Count / 2], convict[^1], false10, false30, lossRun, bytes));
        }

        var ownershipRows = new List<OwnershipRow>();
        var rf3 = new SimpleStrategy(3);
        foreach (int n in new[] { 3, 6, 12, 48 })
        {
            ownershipRows.Add(new OwnershipRow(n,
                Balance(new RandomTokenAllocator(new Random(n)), n, rf3),
                Balance(new BalancedTokenAllocator(rf3), n, rf3)));
        }

        if (Console.IsOutputRedirected)
        {
            AnsiConsole.Profile.Width = 160; // keep the table readable in logs and CI output
        }
        Print(gossipRows, ownershipRows);
        if (!string.IsNullOrEmpty(jsonPath))
        {
            File.WriteAllText(jsonPath, JsonSerializer.Serialize(new { gossip = gossipRows, ownership = ownershipRows }, new JsonSerializerOptions { WriteIndented = true }));
        }
        return 0;
    }

    private static GossipSimulation Cluster(int n, int seed, double loss = 0, bool measureBytes = false)
    {
        var sim = new GossipSimulation(new SimulationOptions
        {
            Seed = seed,
            LossProbability = loss,
            MeasureBytes = measureBytes,
            Gossip = new GossiperOptions { Seeds = [Name(0), Name(1)] },
        });
        for (int i = 0; i < n; i++)
        {
            sim.AddNode(Name(i), [
                KeyValuePair.Create(ApplicationState.Status, NodeStatus.Normal),
                KeyValuePair.Create(ApplicationState.HostId, $"host-{i}"),
                KeyValuePair.Create(ApplicationState.Datacenter, "dc1"),
                KeyValuePair.Create(ApplicationState.Rack, "rack1"),
                KeyValuePair.Create(ApplicationState.Schema, "s1")]);
        }
        sim.PreConverge(); // start from a converged cluster: the figures are about steady-state gossip
        sim.RunFor(TimeSpan.FromSeconds(3));
        return sim;
    }

    private static string Name(int i) => $"10.{i / 62500}.{i / 250 % 250}.{i % 250 + 1}";

    /// <summary>Gossip rounds (seconds at 1 s interval) until one node's new state is at every node.</summary>
    private static double RoundsToSpread(int n, int seed)
    {
        GossipSimulation sim = Cluster(n, seed);
        string source = Name(n / 2);
        sim[source].Gossiper.SetApplicationState(ApplicationState.Schema, "s2");
        TimeSpan start = sim.Now;
        sim.RunUntil(() => ConvergenceChecks.CountSeeing(sim, source, ApplicationState.Schema, "s2") == n, TimeSpan.FromSeconds(120), TimeSpan.FromMilliseconds(100));
        return (sim.Now - start) / sim.Options.Gossip.GossipInterval;
    }

    private static double SecondsToConvict(int n, int seed)
    {
        GossipSimulation sim = Cluster(n, seed);
        string victim = Name(n / 3);
        sim.Kill(victim);
        TimeSpan start = sim.Now;
        sim.RunUntil(() => ConvergenceChecks.AllConsiderDown(sim, victim), TimeSpan.FromSeconds(300), TimeSpan.FromMilliseconds(500));
        return (sim.Now - start).TotalSeconds;
    }

    private static int FalseConvictions(int n, int seed, double loss, int seconds)
    {
        GossipSimulation sim = Cluster(n, seed, loss);
        int downs = 0;
        sim.EventSink = (_, _, e) => downs += e.Kind == GossipEventKind.Down ? 1 : 0;
        sim.RunFor(TimeSpan.FromSeconds(seconds));
        return downs;
    }

    private static double BytesPerNodePerRound(int n)
    {
        GossipSimulation sim = Cluster(n, 1, measureBytes: true);
        long before = sim.BytesSent;
        int rounds = n > 1000 ? 2 : 5;
        sim.RunFor(TimeSpan.FromSeconds(rounds));
        return (sim.BytesSent - before) / (double)n / rounds;
    }

    private static double Balance(ITokenAllocator allocator, int nodes, IReplicationStrategy strategy)
    {
        RingSnapshot ring = RingSnapshot.Empty;
        for (int i = 0; i < nodes; i++)
        {
            var node = new NodeInfo(Name(i));
            ring = ring.WithMember(new RingMember(node, allocator.Allocate(ring, node, 256)));
        }
        return Ownership.MaxOverMin(Ownership.ReplicatedByIndex(ring, strategy));
    }

    private static void Print(List<GossipRow> gossip, List<OwnershipRow> ownership)
    {
        var table = new Table().Title("gossip-sim (simulated, 1 s gossip interval, phi > 8)");
        foreach (string c in new[] { "nodes", "seeds", "rounds p50", "rounds max", "log2 N", "convict s p50", "convict s max", "false @10%", "false @30%", "loss run s", "bytes/node/round" })
        {
            table.AddColumn(c);
        }
        foreach (GossipRow r in gossip)
        {
            table.AddRow(F(r.Nodes), F(r.Seeds), F(r.RoundsMedian), F(r.RoundsMax), F(r.Log2N), F(r.ConvictSecondsMedian),
                F(r.ConvictSecondsMax), F(r.FalseConvictions10), F(r.FalseConvictions30), F(r.LossRunSeconds), F(r.BytesPerNodePerRound));
        }
        AnsiConsole.Write(table);
        var own = new Table().Title("replicated ownership max/min, RF=3, 256 vnodes");
        own.AddColumn("nodes").AddColumn("random").AddColumn("balanced");
        foreach (OwnershipRow r in ownership)
        {
            own.AddRow(F(r.Nodes), F(r.RandomMaxOverMin), F(r.BalancedMaxOverMin));
        }
        AnsiConsole.Write(own);
    }

    private static string F(double v) => v.ToString(v == Math.Floor(v) ? "0" : "0.00", CultureInfo.InvariantCulture);

    private static string Option(string[] args, string name, string fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }

    private sealed record GossipRow(int Nodes, int Seeds, double RoundsMedian, double RoundsMax, double Log2N,
        double ConvictSecondsMedian, double ConvictSecondsMax, int FalseConvictions10, int FalseConvictions30,
        int LossRunSeconds, double BytesPerNodePerRound);

    private sealed record OwnershipRow(int Nodes, double RandomMaxOverMin, double BalancedMaxOverMin);
}
