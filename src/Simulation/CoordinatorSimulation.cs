namespace RingStore.Simulation;

/// <summary>Runs one seeded simulation and checks its history.</summary>
public static class CoordinatorSimulation
{
    public static SimulationResult Run(SimulationOptions options)
    {
        var cluster = new SimCluster(options);
        var history = cluster.Run();
        return new SimulationResult(options.Seed, history, ConsistencyChecker.Check(history), cluster.Stats);
    }
}
