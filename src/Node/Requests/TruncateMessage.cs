using MessagePack;

namespace RingStore.Node.Requests;

/// <summary>TRUNCATE of one table ("keyspace.table"), sent to every node (<see cref="Messaging.Verb.Truncate"/>).</summary>
[MessagePackObject]
public sealed record TruncateMessage(
    [property: Key(0)] int Version,
    [property: Key(1)] string Table);
