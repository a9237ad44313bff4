namespace RingStore.Simulation;

/// <summary>Runs one seeded simulation and checks its history and end state.</summary>
public static class CoordinatorSimulation
{
    /// <summary>
    /// Runs on a thread of its own: no SynchronizationContext (a test runner's would make the product's async code,
    /// such as the hint store's replay, continue elsewhere) and the default TaskScheduler, so the continuations of
    /// the tasks the simulator completes run inline, inside the simulated event. A deep stack leaves room for them.
    /// </summary>
    public static SimulationResult Run(SimulationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        SimulationResult? result = null;
        System.Runtime.ExceptionServices.ExceptionDispatchInfo? failure = null;
        var thread = new Thread(() =>
        {
            try { result = RunHere(options); }
            catch (Exception e) { failure = System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e); }
        }, 16 * 1024 * 1024) { Name = $"simulation seed {options.Seed}", IsBackground = true };
        thread.Start();
        thread.Join();
        failure?.Throw();
        return result!;
    }

    private static SimulationResult RunHere(SimulationOptions options)
    {
        var cluster = new SimCluster(options);
        var history = cluster.Run();
        var violations = ConsistencyChecker.Check(history, options.ReplicationFactor).Concat(cluster.ScanViolations).Concat(cluster.RepairViolations).Concat(cluster.CheckEndState(history))
            .Concat(cluster.EngineFailures.Select(f => new Violation(Violation.EngineFailed, -1, TimeSpan.Zero, cluster.Scheduler.Now, f))).ToList();
        return new SimulationResult(options.Seed, history, violations, cluster.Stats, cluster.Log.Hash, cluster.Log.Events, cluster.Scheduler.Now);
    }
}
