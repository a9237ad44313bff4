using MessagePack;
using RingStore.Node.Cql.Aggregates;

namespace RingStore.Node.Requests;

/// <summary>
/// Aggregate one token range (<see cref="Messaging.Verb.RangeAggregate"/>): the receiving node, a replica of the
/// range, acts as the range's sub-coordinator: it reads (StartExclusive, EndInclusive] of <see cref="Table"/> at
/// <see cref="Consistency"/> through its own range-read coordinator (merging replicas and repairing them as any
/// range read does), folds the live rows into the partial states of <see cref="Functions"/> over
/// <see cref="Columns"/> (null: COUNT(*)), per partition when <see cref="GroupByPartition"/>, and answers the partials.
/// </summary>
[MessagePackObject]
public sealed record RangeAggregateCommandMessage(
    [property: Key(0)] int Version,
    [property: Key(1)] string Keyspace,
    [property: Key(2)] string Table,
    [property: Key(3)] long StartExclusive,
    [property: Key(4)] long EndInclusive,
    [property: Key(5)] byte Consistency,
    [property: Key(6)] string[] Functions,
    [property: Key(7)] string?[] Columns,
    [property: Key(8)] bool GroupByPartition);

/// <summary>The partial states of one range: <see cref="Total"/>, or with grouping one <see cref="Groups"/> entry per partition in token order.</summary>
[MessagePackObject]
public sealed record RangeAggregateResponseMessage(
    [property: Key(0)] int Version,
    [property: Key(1)] AggregateState? Total,
    [property: Key(2)] AggregateGroup[]? Groups,
    [property: Key(3)] string[]? Warnings = null);
