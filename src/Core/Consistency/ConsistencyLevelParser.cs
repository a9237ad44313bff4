namespace RingStore.Core.Consistency;

/// <summary>Names as users type them (ONE, quorum, LOCAL_QUORUM) to and from <see cref="ConsistencyLevel"/>.</summary>
public static class ConsistencyLevelParser
{
    public static bool TryParse(string? text, out ConsistencyLevel level)
    {
        level = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        string compact = text.Trim().Replace("_", string.Empty, StringComparison.Ordinal);
        return Enum.TryParse(compact, ignoreCase: true, out level) && Enum.IsDefined(level);
    }

    /// <summary>Cassandra's spelling: LOCAL_QUORUM, EACH_QUORUM, LOCAL_ONE, ONE...</summary>
    public static string ToCqlName(this ConsistencyLevel level) => level switch
    {
        ConsistencyLevel.LocalQuorum => "LOCAL_QUORUM",
        ConsistencyLevel.EachQuorum => "EACH_QUORUM",
        ConsistencyLevel.LocalOne => "LOCAL_ONE",
        _ => level.ToString().ToUpperInvariant(),
    };
}
