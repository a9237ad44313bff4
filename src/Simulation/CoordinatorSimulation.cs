namespace RingStore.Simulation;

/// <summary>Runs one seeded simulation and checks its history and end state.</summary>
public static class CoordinatorSimulation
{
    public static SimulationResult Run(SimulationOptions options)
    {
        var cluster = new SimCluster(options);
        var history = cluster.Run();
        var violations = ConsistencyChecker.Check(history, options.ReplicationFactor).Concat(cluster.ScanViolations).Concat(cluster.CheckEndState(history))
            .Concat(cluster.EngineFailures.Select(f => new Violation(Violation.EngineFailed, -1, TimeSpan.Zero, cluster.Scheduler.Now, f))).ToList();
        return new SimulationResult(options.Seed, history, violations, cluster.Stats, cluster.Log.Hash, cluster.Log.Events, cluster.Scheduler.Now);
    }
}
