using MessagePack;

namespace RingStore.Node.Repair;

/// <summary>Validation: build the Merkle tree of (Start, End] (never wrapping) of one table at Depth, judging expiry at NowSeconds.</summary>
[MessagePackObject]
public sealed record RepairValidateRequest(
    [property: Key(0)] int Version,
    [property: Key(1)] string Table,
    [property: Key(2)] long StartExclusive,
    [property: Key(3)] long EndInclusive,
    [property: Key(4)] int Depth,
    [property: Key(5)] int NowSeconds);

/// <summary>The tree's leaf hashes (16 bytes each, at most 2^15 leaves = 512 KiB) and how many entries were hashed.</summary>
[MessagePackObject]
public sealed record RepairValidateResponse(
    [property: Key(0)] byte[] Leaves,
    [property: Key(1)] long Entries);

/// <summary>Row-level exchange, step 1: the entry digests of one leaf's token sub-range, one engine page at a time.</summary>
[MessagePackObject]
public sealed record RepairDigestsRequest(
    [property: Key(0)] int Version,
    [property: Key(1)] string Table,
    [property: Key(2)] long StartExclusive,
    [property: Key(3)] long EndInclusive,
    [property: Key(4)] int NowSeconds);

/// <summary>One entry's identity and digest on the wire.</summary>
[MessagePackObject]
public sealed record WireEntry(
    [property: Key(0)] long Token,
    [property: Key(1)] byte[] PartitionKey,
    [property: Key(2)] bool IsHeader,
    [property: Key(3)] byte[] Clustering,
    [property: Key(4)] ulong DigestHigh,
    [property: Key(5)] ulong DigestLow);

/// <summary>Entries of (request start, ResumeAfter]; HasMore: ask again from ResumeAfter.</summary>
[MessagePackObject]
public sealed record RepairDigestsResponse(
    [property: Key(0)] WireEntry[] Entries,
    [property: Key(1)] bool HasMore,
    [property: Key(2)] long ResumeAfter);

/// <summary>Row-level exchange, step 2: the named entries (rows, or a partition's deletion and range tombstones).</summary>
[MessagePackObject]
public sealed record RepairFetchRequest(
    [property: Key(0)] int Version,
    [property: Key(1)] string Table,
    [property: Key(2)] WireEntry[] Entries);

/// <summary>
/// One MergedPartitionDataCodec encoding per partition holding the first <see cref="Served"/> requested entries (absent
/// ones left out): a reply stops at the replica's reply budget (4 MiB by default), the coordinator asks for the rest.
/// </summary>
[MessagePackObject]
public sealed record RepairFetchResponse(
    [property: Key(0)] byte[][] Partitions,
    [property: Key(1)] int Served);

/// <summary>
/// After a range's repair succeeded on every replica, the coordinator tells each other replica, so the range is in
/// that replica's repair history too (only_purge_repaired_tombstones counts it there). The replica records
/// min(RepairedAtUnixSeconds, its own clock): a coordinator's clock ahead cannot make it purge early.
/// </summary>
[MessagePackObject]
public sealed record RepairRecordedRequest(
    [property: Key(0)] int Version,
    [property: Key(1)] string Table,
    [property: Key(2)] long StartExclusive,
    [property: Key(3)] long EndInclusive,
    [property: Key(4)] long RepairedAtUnixSeconds);
