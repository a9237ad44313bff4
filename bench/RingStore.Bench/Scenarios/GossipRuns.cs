using RingStore.Gossip.Protocol;
using RingStore.Gossip.Simulation;
using RingStore.Gossip.State;

namespace RingStore.Bench.Scenarios;

/// <summary>
/// The gossip-sim measurements on one simulated cluster. Clusters start converged and then warm up for
/// <see cref="GossipRunSettings.Warmup"/> so each failure detector's window holds real heartbeat intervals rather than
/// mostly the deliberately high 2 s initial estimate: conviction times are the steady-state ones.
/// </summary>
internal static class GossipRuns
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(120);

    /// <summary>Lossless cluster: warm up, count wire bytes, spread a new state, then kill a node and time its conviction.</summary>
    public static GossipRunResult Steady(int n, int seed, GossipRunSettings settings, Action<string> progress)
    {
        GossipSimulation sim = Cluster(n, seed, loss: 0, settings);
        progress($"n={n} seed={seed}: converged cluster built, warming up {settings.Warmup.TotalSeconds:0} s");
        WarmUp(sim, settings, progress);
        (double windowMean, int windowMin) = WindowIntervals(sim);

        sim.MeasureBytes = true;
        long bytesBefore = sim.BytesSent;
        sim.RunFor(settings.Gossip.GossipInterval * settings.BytesRounds);
        sim.MeasureBytes = false;
        double bytes = (sim.BytesSent - bytesBefore) / (double)n / settings.BytesRounds;

        string source = Name(n / 2);
        sim[source].Gossiper.SetApplicationState(ApplicationState.Schema, "s2");
        TimeSpan spreadStart = sim.Now;
        sim.RunUntil(() => ConvergenceChecks.CountSeeing(sim, source, ApplicationState.Schema, "s2") == n, Limit, TimeSpan.FromMilliseconds(100));
        double rounds = (sim.Now - spreadStart) / sim.Options.Gossip.GossipInterval;

        string victim = Name(n / 3);
        var downAt = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
        sim.EventSink = (at, observer, e) =>
        {
            if (e.Kind == GossipEventKind.Down && e.Endpoint == victim)
            {
                downAt.TryAdd(observer, at);
            }
        };
        sim.Kill(victim);
        TimeSpan killedAt = sim.Now;
        sim.RunUntil(() => downAt.Count == n - 1, Limit, TimeSpan.FromMilliseconds(100));
        double[] seconds = [.. downAt.Values.Select(t => (t - killedAt).TotalSeconds).Order()];
        bool all = downAt.Count == n - 1;
        var result = new GossipRunResult(windowMean, windowMin, bytes, rounds,
            all ? seconds[^1] : double.NaN, all ? seconds[seconds.Length / 2] : double.NaN);
        progress($"n={n} seed={seed}: {result}");
        return result;
    }

    /// <summary>Down events of live nodes during <see cref="GossipRunSettings.LossRunSeconds"/> of message loss, after the warm-up (also under loss).</summary>
    public static int FalseConvictions(int n, int seed, double loss, GossipRunSettings settings, Action<string> progress)
    {
        GossipSimulation sim = Cluster(n, seed, loss, settings);
        int downs = 0;
        sim.EventSink = (_, _, e) => downs += e.Kind == GossipEventKind.Down ? 1 : 0;
        WarmUp(sim, settings, progress);
        int warmupDowns = downs;
        downs = 0;
        sim.RunFor(TimeSpan.FromSeconds(settings.LossRunSeconds));
        progress($"n={n} seed={seed} loss={loss}: {downs} false convictions in {settings.LossRunSeconds} s ({warmupDowns} during warm-up)");
        return downs;
    }

    /// <summary>
    /// Under <see cref="GossipRunSettings.PauseLoss"/> loss, after the warm-up, one random running node stalls for 2 s every
    /// second (stop-the-world: no rounds, inbound messages wait), so two nodes are frozen at almost any moment. Counts Down events raised by a node about a peer
    /// while or right after it was itself paused (Observer: the local-pause guard must prevent them) and Down events
    /// about a node that was paused (Paused: its silence was 2 s plus spread).
    /// </summary>
    public static (int Observer, int Paused, int Other) PausedObservers(int n, int seed, GossipRunSettings settings, Action<string> progress)
    {
        GossipSimulation sim = Cluster(n, seed, settings.PauseLoss, settings);
        WarmUp(sim, settings, progress);
        var pausedAt = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
        int observer = 0, paused = 0, other = 0;
        TimeSpan recent = TimeSpan.FromSeconds(10);
        sim.EventSink = (at, by, e) =>
        {
            if (e.Kind != GossipEventKind.Down)
            {
                return;
            }
            if (pausedAt.TryGetValue(by, out TimeSpan p) && at - p < recent)
            {
                observer++;
            }
            else if (pausedAt.TryGetValue(e.Endpoint, out TimeSpan q) && at - q < recent)
            {
                paused++;
            }
            else
            {
                other++;
            }
        };
        var pick = new Random(seed * 7919);
        for (int s = 0; s < settings.LossRunSeconds; s++)
        {
            // A node still frozen (or resuming this instant) is not picked: pausing it again would make one 3-5 s
            // stall out of two 2 s ones (before 2026-11-24 it was, and every Down event at 10 nodes was of such a node).
            var running = sim.Nodes.Where(x => x.IsRunning && x.PausedUntil < sim.Now).ToList();
            string victim = running[pick.Next(running.Count)].Endpoint;
            sim.Pause(victim, TimeSpan.FromSeconds(2));
            pausedAt[victim] = sim.Now;
            sim.RunFor(TimeSpan.FromSeconds(1));
        }
        sim.RunFor(TimeSpan.FromSeconds(5));
        progress($"n={n} seed={seed} loss={settings.PauseLoss} with 2 s pauses: Down by paused observers {observer}, of paused nodes {paused}, other {other}");
        return (observer, paused, other);
    }

    /// <summary>Runs the warm-up in 10 s steps, reporting CPU time and heap size so a slow large run shows where it is.</summary>
    private static void WarmUp(GossipSimulation sim, GossipRunSettings settings, Action<string> progress)
    {
        TimeSpan end = sim.Now + settings.Warmup;
        while (sim.Now < end)
        {
            TimeSpan step = end - sim.Now < TimeSpan.FromSeconds(10) ? end - sim.Now : TimeSpan.FromSeconds(10);
            sim.RunFor(step);
            if (sim.Nodes.Count > 1000)
            {
                using var process = System.Diagnostics.Process.GetCurrentProcess();
                progress($"  simulated {sim.Now.TotalSeconds:0} s, CPU {process.TotalProcessorTime.TotalMinutes:F1} min, heap {GC.GetTotalMemory(false) / 1e9:F1} GB, gen2 GCs {GC.CollectionCount(2)}");
            }
        }
    }

    public static string Name(int i) => $"10.{i / 62500}.{i / 250 % 250}.{i % 250 + 1}";

    private static GossipSimulation Cluster(int n, int seed, double loss, GossipRunSettings settings)
    {
        GC.Collect(); // the previous cluster (gigabytes at 5,000 nodes) must be gone before this one grows
        var sim = new GossipSimulation(new SimulationOptions
        {
            Seed = seed,
            LossProbability = loss,
            Gossip = settings.Gossip with { Seeds = [Name(0), Name(1)] },
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
        return sim;
    }

    /// <summary>Mean and minimum number of intervals in the failure-detector windows of up to 20 evenly spread observers.</summary>
    private static (double Mean, int Min) WindowIntervals(GossipSimulation sim)
    {
        long sum = 0;
        int count = 0, min = int.MaxValue;
        int step = Math.Max(1, sim.Nodes.Count / 20);
        for (int i = 0; i < sim.Nodes.Count; i += step)
        {
            Gossiper observer = sim.Nodes[i].Gossiper;
            foreach (SimulatedNode peer in sim.Nodes)
            {
                if (peer.Endpoint != observer.LocalEndpoint)
                {
                    int intervals = observer.FailureDetector.IntervalCount(peer.Endpoint);
                    sum += intervals;
                    count++;
                    min = Math.Min(min, intervals);
                }
            }
        }
        return (sum / (double)count, min);
    }
}
