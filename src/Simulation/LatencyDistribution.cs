namespace RingStore.Simulation;

/// <summary>How a message's network delay is drawn; a run draws one from its seed unless the options fix it.</summary>
public enum LatencyDistribution
{
    /// <summary>Uniform between the minimum and maximum delay.</summary>
    Uniform,
    /// <summary>The minimum plus an exponential tail with mean (max - min) / 3: most messages fast, a few slow.</summary>
    Exponential,
    /// <summary>Log-normal around the midpoint (sigma 0.6), capped at 4x the maximum: a heavier tail.</summary>
    LogNormal,
}

/// <summary>Draws a delay from a <see cref="LatencyDistribution"/> with the run's seeded random.</summary>
public static class LatencySampler
{
    public static TimeSpan Next(LatencyDistribution distribution, Random random, TimeSpan min, TimeSpan max)
    {
        ArgumentNullException.ThrowIfNull(random);
        double spread = (max - min).TotalMilliseconds;
        double ms = distribution switch
        {
            LatencyDistribution.Exponential => -Math.Log(1 - random.NextDouble()) * spread / 3,
            LatencyDistribution.LogNormal => Math.Min(4 * max.TotalMilliseconds,
                (min.TotalMilliseconds + spread / 2) * Math.Exp(0.6 * StandardNormal(random))) - min.TotalMilliseconds,
            _ => random.NextDouble() * spread,
        };
        return min + TimeSpan.FromMilliseconds(Math.Max(0, ms));
    }

    private static double StandardNormal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
