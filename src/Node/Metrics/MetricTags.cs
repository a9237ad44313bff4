using RingStore.Core.Consistency;

namespace RingStore.Node.Metrics;

/// <summary>
/// The label values the node's instruments use. Every value comes from a fixed set (operations, consistency levels),
/// so a label never grows a series per key or per client; the pairs are built once so recording allocates nothing.
/// </summary>
public static class MetricTags
{
    public const string Read = "read";
    public const string Write = "write";
    public const string RangeRead = "range_read";

    private static readonly KeyValuePair<string, object?> ReadTag = new("operation", Read);
    private static readonly KeyValuePair<string, object?> WriteTag = new("operation", Write);
    private static readonly KeyValuePair<string, object?> RangeReadTag = new("operation", RangeRead);

    private static readonly KeyValuePair<string, object?>[] ConsistencyTags = BuildConsistencyTags();

    public static KeyValuePair<string, object?> Operation(string operation) => operation switch
    {
        Write => WriteTag,
        RangeRead => RangeReadTag,
        _ => ReadTag,
    };

    public static KeyValuePair<string, object?> Consistency(ConsistencyLevel consistency) =>
        (int)consistency < ConsistencyTags.Length ? ConsistencyTags[(int)consistency] : new("consistency", "unknown");

    /// <summary>Cassandra's spelling, lower case: "one", "local_quorum", "each_quorum".</summary>
    public static string Name(ConsistencyLevel consistency) => consistency switch
    {
        ConsistencyLevel.LocalQuorum => "local_quorum",
        ConsistencyLevel.EachQuorum => "each_quorum",
        ConsistencyLevel.LocalOne => "local_one",
        _ => consistency.ToString().ToLowerInvariant(),
    };

    private static KeyValuePair<string, object?>[] BuildConsistencyTags()
    {
        var tags = new KeyValuePair<string, object?>[(int)ConsistencyLevel.LocalOne + 1];
        for (int i = 0; i < tags.Length; i++) tags[i] = new("consistency", Enum.IsDefined((ConsistencyLevel)i) ? Name((ConsistencyLevel)i) : "unknown");
        return tags;
    }
}
