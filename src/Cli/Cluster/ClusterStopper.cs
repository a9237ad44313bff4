using System.Diagnostics;
using RingStore.LocalCluster;

namespace RingStore.Cli.Cluster;

/// <summary>
/// <c>ringstore down</c>: stops the nodes recorded in cluster.json by pid: SIGTERM (the node announces its shutdown
/// and flushes), wait, then SIGKILL for any that did not exit. Pids that are no longer our nodes are left alone.
/// </summary>
public static class ClusterStopper
{
    /// <summary>Returns how many node processes were stopped; null when the directory holds no cluster.</summary>
    public static async Task<int?> StopAsync(string dataRoot, TimeSpan gracePeriod, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(log);
        var state = RingStore.LocalCluster.LocalCluster.LoadState(dataRoot);
        if (state is null) return null;
        var running = state.Pids.Where(pid => NodeProcessProbe.IsOurNode(pid, dataRoot)).ToList();
        foreach (int pid in running)
        {
            try { Signals.Terminate(pid); }
            catch (InvalidOperationException e) { await log.WriteLineAsync($"warning: {e.Message}"); }
        }
        var deadline = Stopwatch.StartNew();
        while (running.Any(pid => NodeProcessProbe.IsOurNode(pid, dataRoot)) && deadline.Elapsed < gracePeriod)
            await Task.Delay(100);
        foreach (int pid in running.Where(pid => NodeProcessProbe.IsOurNode(pid, dataRoot)))
        {
            await log.WriteLineAsync($"node pid {pid} did not stop within {gracePeriod.TotalSeconds:0} s; killing it");
            try
            {
                using var process = Process.GetProcessById(pid);
                process.Kill();
            }
            catch (ArgumentException) { }
            catch (InvalidOperationException) { }
        }
        var killDeadline = Stopwatch.StartNew();
        while (running.Any(pid => NodeProcessProbe.IsOurNode(pid, dataRoot)) && killDeadline.Elapsed < TimeSpan.FromSeconds(10))
            await Task.Delay(100);
        // Only pids that are no longer our nodes are cleared: one that somehow survived stays recorded for the next try.
        var stopped = state with { Pids = state.Pids.Select(pid => NodeProcessProbe.IsOurNode(pid, dataRoot) ? pid : 0).ToArray() };
        stopped.Save(dataRoot);
        return running.Count;
    }
}
