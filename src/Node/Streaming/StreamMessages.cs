using MessagePack;

namespace RingStore.Node.Streaming;

/// <summary>
/// Asks a source for the partitions of <see cref="Table"/> with StartExclusive &lt; token &lt;= EndInclusive
/// (never wrapping), at most about <see cref="MaxBytes"/>. The receiver drives the stream page by page, so a
/// stream is paced by the receiver's throttle and resumes from the last position it stored. With
/// <see cref="StartKey"/> set the page starts after that partition (token StartExclusive), or after its row
/// <see cref="StartClustering"/>: a page may end inside a partition larger than a page.
/// <see cref="ExcludeGenerations"/>: the source's SSTables the receiver already holds whole (entire-SSTable streaming).
/// </summary>
[MessagePackObject]
public sealed record StreamPageRequest(
    [property: Key(0)] int Version,
    [property: Key(1)] string Table,
    [property: Key(2)] long StartExclusive,
    [property: Key(3)] long EndInclusive,
    [property: Key(4)] long MaxBytes,
    [property: Key(5)] byte[]? StartKey = null,
    [property: Key(6)] byte[]? StartClustering = null,
    [property: Key(7)] long[]? ExcludeGenerations = null);

/// <summary>
/// Partitions (MergedPartitionDataCodec encoding, tombstones and TTLs included) and where to resume: after partition
/// (ResumeAfter, ResumeKey), or after its row ResumeClustering when the page ended inside it (the next page then starts
/// with the rest of that partition).
/// </summary>
[MessagePackObject]
public sealed record StreamPageResponse(
    [property: Key(0)] int Version,
    [property: Key(1)] byte[][] Partitions,
    [property: Key(2)] bool HasMore,
    [property: Key(3)] long ResumeAfter,
    [property: Key(4)] byte[]? ResumeKey = null,
    [property: Key(5)] byte[]? ResumeClustering = null);

/// <summary>One range of one table to pull ("ks.table", non-wrapping (Start, End]).</summary>
[MessagePackObject]
public sealed record StreamItem(
    [property: Key(0)] string Table,
    [property: Key(1)] long StartExclusive,
    [property: Key(2)] long EndInclusive);

/// <summary>Tells a node to pull <see cref="Items"/> from <see cref="Source"/> and answer once they are stored.</summary>
[MessagePackObject]
public sealed record StreamPullRequest(
    [property: Key(0)] int Version,
    [property: Key(1)] string Operation,
    [property: Key(2)] string Source,
    [property: Key(3)] StreamItem[] Items);

[MessagePackObject]
public sealed record StreamPullResponse(
    [property: Key(0)] long Bytes,
    [property: Key(1)] int Ranges);

/// <summary>
/// What role the answering node's ring gives an endpoint (see ResolvedMember.DisplayStatus), and which host id it has
/// there ("" when unknown); <see cref="TopologyProbeResponse.InRing"/> is false for an unknown endpoint or one that is Out.
/// </summary>
[MessagePackObject]
public sealed record TopologyProbeRequest([property: Key(0)] string Endpoint);

[MessagePackObject]
public sealed record TopologyProbeResponse(
    [property: Key(0)] string Status,
    [property: Key(1)] string HostId = "",
    [property: Key(2)] bool InRing = false);
