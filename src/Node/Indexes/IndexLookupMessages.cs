using MessagePack;

namespace RingStore.Node.Indexes;

/// <summary>
/// Ask a replica's local index (<see cref="Messaging.Verb.IndexLookup"/>): the base rows of <see cref="Table"/> whose
/// <see cref="Index"/> entry holds <see cref="Value"/> (serialized), after the position (token, and key and clustering
/// when resuming inside a token) up to <see cref="EndInclusive"/>, at most <see cref="Limit"/> entries read.
/// </summary>
[MessagePackObject]
public sealed record IndexLookupCommandMessage(
    [property: Key(0)] int Version,
    [property: Key(1)] string Table,
    [property: Key(2)] string Index,
    [property: Key(3)] byte[] Value,
    [property: Key(4)] long AfterToken,
    [property: Key(5)] byte[]? AfterKey,
    [property: Key(6)] byte[]? AfterClustering,
    [property: Key(7)] long EndInclusive,
    [property: Key(8)] int Limit);

/// <summary>The hits in (token, key, clustering) order, each re-checked on the replica; a resume position when the limit cut the answer.</summary>
[MessagePackObject]
public sealed record IndexLookupResponseMessage(
    [property: Key(0)] int Version,
    [property: Key(1)] IndexHitMessage[] Hits,
    [property: Key(2)] bool Truncated,
    [property: Key(3)] long ResumeToken = 0,
    [property: Key(4)] byte[]? ResumeKey = null,
    [property: Key(5)] byte[]? ResumeClustering = null);

[MessagePackObject]
public sealed record IndexHitMessage(
    [property: Key(0)] long Token,
    [property: Key(1)] byte[] PartitionKey,
    [property: Key(2)] byte[] Clustering);
