using RingStore.Gossip.State;

namespace RingStore.Gossip.Simulation;

/// <summary>What "gossip has converged" means, as checks over a simulation.</summary>
public static class ConvergenceChecks
{
    /// <summary>
    /// Every running node knows every other running node with its current generation and the same version of
    /// each application state, and believes it alive. Heartbeat versions always differ and are ignored.
    /// </summary>
    public static bool IsConverged(GossipSimulation simulation)
    {
        ArgumentNullException.ThrowIfNull(simulation);
        var running = simulation.Nodes.Where(n => n.IsRunning).ToList();
        foreach (SimulatedNode observer in running)
        {
            foreach (SimulatedNode other in running)
            {
                if (other == observer)
                {
                    continue;
                }
                EndpointState truth = other.Gossiper.LocalState;
                if (!observer.Gossiper.States.TryGetValue(other.Endpoint, out EndpointState? seen)
                    || seen.Heartbeat.Generation != truth.Heartbeat.Generation
                    || !observer.Gossiper.IsAlive(other.Endpoint))
                {
                    return false;
                }
                foreach (var (key, value) in truth.ApplicationStates)
                {
                    if (!seen.ApplicationStates.TryGetValue(key, out VersionedValue? v) || v.Version != value.Version)
                    {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    /// <summary>How many running nodes (the owner included) see the endpoint's state key at the value.</summary>
    public static int CountSeeing(GossipSimulation simulation, string endpoint, ApplicationState key, string value)
    {
        ArgumentNullException.ThrowIfNull(simulation);
        int count = 0;
        foreach (SimulatedNode node in simulation.Nodes)
        {
            if (node.IsRunning && node.Gossiper.States.TryGetValue(endpoint, out EndpointState? s) && s.Get(key) == value)
            {
                count++;
            }
        }
        return count;
    }

    /// <summary>True when every running node other than the target has it marked down.</summary>
    public static bool AllConsiderDown(GossipSimulation simulation, string endpoint)
    {
        ArgumentNullException.ThrowIfNull(simulation);
        return simulation.Nodes.Where(n => n.IsRunning && n.Endpoint != endpoint)
            .All(n => !n.Gossiper.IsAlive(endpoint));
    }
}
