using RingStore.Client.Protos;

namespace RingStore.Bench.Scenarios;

/// <summary>"QUORUM", "LOCAL_ONE", ... to the wire enum.</summary>
public static class ConsistencyNames
{
    public static Consistency Parse(string level)
    {
        ArgumentNullException.ThrowIfNull(level);
        return Enum.TryParse<Consistency>(level.Replace("_", "", StringComparison.Ordinal), ignoreCase: true, out var parsed) && parsed != Consistency.Default
            ? parsed
            : throw new ArgumentException($"unknown consistency level '{level}'");
    }
}
