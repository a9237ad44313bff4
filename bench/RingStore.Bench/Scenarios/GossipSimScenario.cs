using System.Globalization;
using System.Text.Json;
using RingStore.Gossip.Protocol;
using RingStore.Gossip.Ring;
using RingStore.Gossip.Simulation;
using RingStore.Gossip.State;
using Spectre.Console;

namespace RingStore.Bench.Scenarios;

/// <summary>
/// `bench gossip-sim [--sizes 10,100,1000] [--seeds 3] [--warmup-seconds 60] [--loss-seconds 120] [--losses 0.1,0.3]
/// [--bytes-rounds 5] [--no-ownership] [--json PATH] [--cassandra | --interval-ms 250 --phi 5] [--pause-loss 0.1]`: gossip dissemination, failure detection and false convictions in
/// the deterministic simulator, plus replicated-ownership balance of the random and balanced token allocators.
/// Simulated time, real code. Progress goes to stderr, and the JSON is rewritten after every size, so a run stopped
/// by a timeout still leaves the sizes it finished.
/// </summary>
public static class GossipSimScenario
{
    public static int Run(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        Started.Restart(); // progress times count from the start of the run
        var options = new Args(args);
        int[] sizes = Ints(options.Get("--sizes") ?? "10,100,1000");
        int seeds = options.GetInt("--seeds", 3);
        var settings = new GossipRunSettings(
            TimeSpan.FromSeconds(options.GetInt("--warmup-seconds", 60)),
            options.GetInt("--loss-seconds", 120),
            options.GetInt("--bytes-rounds", 5),
            Tuning(options),
            double.Parse(options.Get("--pause-loss") ?? "-1", CultureInfo.InvariantCulture));
        double[] losses = [.. (options.Get("--losses") ?? "0.1,0.3").Split(',').Select(s => double.Parse(s, CultureInfo.InvariantCulture))];
        string? jsonPath = options.Get("--json");

        var gossipRows = new List<GossipRow>();
        var ownershipRows = new List<OwnershipRow>();
        foreach (int n in sizes)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var runs = new List<GossipRunResult>();
            for (int seed = 1; seed <= seeds; seed++)
            {
                runs.Add(GossipRuns.Steady(n, seed, settings, Progress));
            }
            var falseConvictions = new Dictionary<string, int>();
            foreach (double loss in losses)
            {
                int downs = 0;
                for (int seed = 1; seed <= seeds; seed++)
                {
                    downs += GossipRuns.FalseConvictions(n, seed, loss, settings, Progress);
                }
                falseConvictions[loss.ToString("0.##", CultureInfo.InvariantCulture)] = downs;
            }
            if (settings.PauseLoss >= 0)
            {
                int byObserver = 0, ofPaused = 0, other = 0;
                for (int seed = 1; seed <= seeds; seed++)
                {
                    var (o, p, x) = GossipRuns.PausedObservers(n, seed, settings, Progress);
                    byObserver += o;
                    ofPaused += p;
                    other += x;
                }
                falseConvictions["pauses:by-paused-observer"] = byObserver;
                falseConvictions["pauses:of-paused-node"] = ofPaused;
                falseConvictions["pauses:other"] = other;
            }
            gossipRows.Add(GossipRow.From(n, runs, falseConvictions, settings, clock.Elapsed));
            Progress($"n={n} done in {clock.Elapsed.TotalMinutes:F1} min");
            WriteJson(jsonPath, gossipRows, ownershipRows);
        }

        if (!options.Has("--no-ownership"))
        {
            var rf3 = new SimpleStrategy(3);
            foreach (int n in new[] { 3, 6, 12, 48 })
            {
                ownershipRows.Add(new OwnershipRow(n,
                    Balance(new RandomTokenAllocator(new Random(n)), n, rf3),
                    Balance(new BalancedTokenAllocator(rf3), n, rf3)));
            }
        }

        if (Console.IsOutputRedirected)
        {
            AnsiConsole.Profile.Width = 200; // keep the table readable in logs and CI output
        }
        Print(gossipRows, ownershipRows, losses, settings);
        WriteJson(jsonPath, gossipRows, ownershipRows);
        return 0;
    }

    /// <summary>The default tuning, the old one (--cassandra: 1 s, phi 8), or an explicit interval and threshold.</summary>
    private static GossiperOptions Tuning(Args options)
    {
        if (options.Has("--cassandra"))
        {
            return GossiperOptions.Cassandra;
        }
        var interval = TimeSpan.FromMilliseconds(options.GetInt("--interval-ms", (int)new GossiperOptions().GossipInterval.TotalMilliseconds));
        double phi = double.Parse(options.Get("--phi") ?? RingStore.Gossip.FailureDetection.FailureDetectorOptions.DefaultPhi.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        var detector = RingStore.Gossip.FailureDetection.FailureDetectorOptions.ForGossipInterval(interval, phi);
        if (options.Get("--max-interval-ms") is { } cap)
        {
            detector = detector with { MaxRecordedInterval = TimeSpan.FromMilliseconds(int.Parse(cap, CultureInfo.InvariantCulture)) };
        }
        return new GossiperOptions { GossipInterval = interval, FailureDetector = detector };
    }

    private static readonly System.Diagnostics.Stopwatch Started = System.Diagnostics.Stopwatch.StartNew();

    private static void Progress(string line) =>
        Console.Error.WriteLine($"[{Started.Elapsed:hh\\:mm\\:ss}] {line}");

    private static int[] Ints(string csv) => [.. csv.Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture))];

    private static void WriteJson(string? path, List<GossipRow> gossip, List<OwnershipRow> ownership)
    {
        if (!string.IsNullOrEmpty(path))
        {
            File.WriteAllText(path, JsonSerializer.Serialize(new { gossip, ownership }, new JsonSerializerOptions { WriteIndented = true }));
        }
    }

    private static double Balance(ITokenAllocator allocator, int nodes, IReplicationStrategy strategy)
    {
        RingSnapshot ring = RingSnapshot.Empty;
        for (int i = 0; i < nodes; i++)
        {
            var node = new NodeInfo(GossipRuns.Name(i));
            ring = ring.WithMember(new RingMember(node, allocator.Allocate(ring, node, 256)));
        }
        return Ownership.MaxOverMin(Ownership.ReplicatedByIndex(ring, strategy));
    }

    private static void Print(List<GossipRow> gossip, List<OwnershipRow> ownership, double[] losses, GossipRunSettings settings)
    {
        var table = new Table().Title($"gossip-sim (simulated, {settings.Gossip.GossipInterval.TotalMilliseconds:0} ms gossip interval, phi > {settings.Gossip.FailureDetector.PhiConvictThreshold})");
        string[] lossColumns = [.. losses.Select(l => $"false @{l * 100:0}%")];
        foreach (string c in new[] { "nodes", "seeds", "warm-up s", "window ints mean/min", "rounds p50", "rounds max", "log2 N",
            "convict s p50", "convict s max", "observer p50 s" }.Concat(lossColumns).Concat(["pauses: by observer/of paused/other", "loss run s", "bytes/node/round", "wall min"]))
        {
            table.AddColumn(c);
        }
        foreach (GossipRow r in gossip)
        {
            table.AddRow([F(r.Nodes), F(r.Seeds), F(r.WarmupSeconds), $"{F(r.WindowIntervalsMean)}/{F(r.WindowIntervalsMin)}",
                F(r.RoundsMedian), F(r.RoundsMax), F(r.Log2N), F(r.ConvictSecondsMedian), F(r.ConvictSecondsMax), F(r.ObserverConvictSecondsMedian),
                .. losses.Select(l => F(r.FalseConvictions[l.ToString("0.##", CultureInfo.InvariantCulture)])),
                r.FalseConvictions.TryGetValue("pauses:by-paused-observer", out int po)
                    ? $"{po}/{r.FalseConvictions["pauses:of-paused-node"]}/{r.FalseConvictions["pauses:other"]}" : "-",
                F(r.LossRunSeconds), F(r.BytesPerNodePerRound), F(r.WallMinutes)]);
        }
        AnsiConsole.Write(table);
        if (ownership.Count == 0)
        {
            return;
        }
        var own = new Table().Title("replicated ownership max/min, RF=3, 256 vnodes");
        own.AddColumn("nodes").AddColumn("random").AddColumn("balanced");
        foreach (OwnershipRow r in ownership)
        {
            own.AddRow(F(r.Nodes), F(r.RandomMaxOverMin), F(r.BalancedMaxOverMin));
        }
        AnsiConsole.Write(own);
    }

    private static string F(double v) => v.ToString(v == Math.Floor(v) ? "0" : "0.00", CultureInfo.InvariantCulture);

    private sealed record OwnershipRow(int Nodes, double RandomMaxOverMin, double BalancedMaxOverMin);
}
