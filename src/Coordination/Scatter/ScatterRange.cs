namespace RingStore.Coordination.Scatter;

/// <summary>
/// One token range of a scatter-gather scan, (StartExclusive, EndInclusive] (never wrapping), and its place
/// <see cref="Index"/> in token order. Usually one vnode piece (<see cref="VnodePieces"/>), so it has one replica set.
/// </summary>
public readonly record struct ScatterRange(int Index, long StartExclusive, long EndInclusive)
{
    /// <summary>How many tokens the range holds (0 for an empty one); up to 2^64 - 1 for the whole ring.</summary>
    public ulong Width => EndInclusive > StartExclusive ? unchecked((ulong)EndInclusive - (ulong)StartExclusive) : 0;

    /// <summary>The ranges of a scan in token order, indexed 0, 1, ...</summary>
    public static IReadOnlyList<ScatterRange> InOrder(IEnumerable<(long Start, long End)> pieces) =>
        pieces.Select((p, i) => new ScatterRange(i, p.Start, p.End)).ToList();

    public override string ToString() => $"({StartExclusive}, {EndInclusive}]";
}
