using System.Buffers.Binary;
using System.IO.Hashing;

namespace RingStore.Storage.Repair;

/// <summary>
/// A Merkle tree over one non-wrapping token range (StartExclusive, EndInclusive]: 2^Depth leaves, each the hash of
/// the <see cref="RepairEntry"/> digests of one equal token sub-range in scan order (an empty leaf hashes nothing),
/// inner nodes the hash of their two children. Two trees are comparable when range and depth are equal; the
/// repair coordinator chooses the depth and sends it to every replica, so all build the same shape.
/// <para>Depth adapts to the data (<see cref="DepthFor(long, long)"/>): about <see cref="TargetPartitionsPerLeaf"/> partitions
/// and at most about <see cref="TargetBytesPerLeaf"/> per leaf, at most 2^<see cref="MaxDepth"/> leaves. Why 2^15 and not Cassandra's 2^20: the exchange after the tree is
/// row-level (only differing rows move), so a leaf's size costs one exchange of row digests for that leaf, not
/// overstreamed data; 2^15 leaves of 16 bytes are 512 KiB, which one internode message carries (frames are capped at
/// 32 MiB) and a replica builds in 512 KiB of memory, while 2^20 leaves would be 16 MiB per tree per replica.</para>
/// </summary>
public sealed class MerkleTree
{
    public const int MaxDepth = 15;
    public const int TargetPartitionsPerLeaf = 64;
    public const int HashBytes = 16;

    private readonly UInt128[] _leaves;

    public MerkleTree(long startExclusive, long endInclusive, int depth, UInt128[] leaves)
    {
        if (startExclusive >= endInclusive) throw new ArgumentException($"tree range ({startExclusive}, {endInclusive}] must not wrap or be empty");
        if (depth is < 0 or > MaxDepth) throw new ArgumentOutOfRangeException(nameof(depth), depth, $"depth must be 0..{MaxDepth}");
        if (leaves.Length != 1 << depth) throw new ArgumentException($"a depth-{depth} tree has {1 << depth} leaves, not {leaves.Length}");
        StartExclusive = startExclusive;
        EndInclusive = endInclusive;
        Depth = depth;
        _leaves = leaves;
    }

    public long StartExclusive { get; }
    public long EndInclusive { get; }
    public int Depth { get; }
    public int LeafCount => _leaves.Length;
    public IReadOnlyList<UInt128> Leaves => _leaves;

    /// <summary>Hash of an empty leaf (no entries).</summary>
    public static readonly UInt128 EmptyLeaf = XxHash128.HashToUInt128([]);

    /// <summary>About how much data (SSTable bytes) one leaf covers at most, when partitions are wide enough for it to matter.</summary>
    public const long TargetBytesPerLeaf = 64 * 1024;

    /// <summary>The depth for a range expected to hold <paramref name="estimatedPartitions"/> partitions.</summary>
    public static int DepthFor(long estimatedPartitions) => DepthFor(estimatedPartitions, 0);

    /// <summary>
    /// The depth for a range expected to hold <paramref name="estimatedPartitions"/> partitions in
    /// <paramref name="estimatedBytes"/>: about <see cref="TargetPartitionsPerLeaf"/> partitions and at most about
    /// <see cref="TargetBytesPerLeaf"/> per leaf, so partitions of many rows do not make leaves of thousands of rows,
    /// each of whose digests a differing leaf exchanges (a leaf never splits a partition, so one partition per leaf
    /// is the floor).
    /// </summary>
    public static int DepthFor(long estimatedPartitions, long estimatedBytes)
    {
        long leaves = Math.Max(1, Math.Max(estimatedPartitions / TargetPartitionsPerLeaf, estimatedBytes / TargetBytesPerLeaf));
        leaves = Math.Min(leaves, Math.Max(1, estimatedPartitions));
        int depth = 0;
        while (depth < MaxDepth && (1L << depth) < leaves) depth++;
        return depth;
    }

    /// <summary>The root: inner nodes hash their two children, bottom-up.</summary>
    public UInt128 Root
    {
        get
        {
            var level = (UInt128[])_leaves.Clone();
            Span<byte> pair = stackalloc byte[2 * HashBytes];
            for (int n = level.Length; n > 1; n /= 2)
                for (int i = 0; i < n / 2; i++)
                {
                    BinaryPrimitives.WriteUInt128LittleEndian(pair, level[2 * i]);
                    BinaryPrimitives.WriteUInt128LittleEndian(pair[HashBytes..], level[2 * i + 1]);
                    level[i] = XxHash128.HashToUInt128(pair);
                }
            return level[0];
        }
    }

    /// <summary>The token sub-range (start, end] of leaf <paramref name="leaf"/>; leaves split the range evenly.</summary>
    public (long StartExclusive, long EndInclusive) LeafRange(int leaf) =>
        (Boundary(StartExclusive, EndInclusive, Depth, leaf), Boundary(StartExclusive, EndInclusive, Depth, leaf + 1));

    /// <summary>Which leaf holds <paramref name="token"/> (which must lie in the tree's range).</summary>
    public static int LeafOf(long startExclusive, long endInclusive, int depth, long token)
    {
        if (token <= startExclusive || token > endInclusive)
            throw new ArgumentOutOfRangeException(nameof(token), token, $"token outside ({startExclusive}, {endInclusive}]");
        int count = 1 << depth;
        ulong width = (ulong)(endInclusive - startExclusive);
        ulong offset = (ulong)(token - startExclusive) - 1;
        int leaf = (int)((UInt128)offset * (ulong)count / width);
        // Integer rounding: step to the leaf whose (start, end] holds the token.
        while (leaf > 0 && token <= Boundary(startExclusive, endInclusive, depth, leaf)) leaf--;
        while (leaf < count - 1 && token > Boundary(startExclusive, endInclusive, depth, leaf + 1)) leaf++;
        return leaf;
    }

    private static long Boundary(long startExclusive, long endInclusive, int depth, int index)
    {
        int count = 1 << depth;
        if (index >= count) return endInclusive;
        ulong width = (ulong)(endInclusive - startExclusive);
        return startExclusive + (long)(ulong)((UInt128)width * (ulong)index / (ulong)count);
    }

    /// <summary>Indexes of the leaves whose hashes differ (both trees must have the same range and depth).</summary>
    public static IReadOnlyList<int> Compare(MerkleTree a, MerkleTree b)
    {
        if (a.StartExclusive != b.StartExclusive || a.EndInclusive != b.EndInclusive || a.Depth != b.Depth)
            throw new ArgumentException("trees of different ranges or depths cannot be compared");
        var differing = new List<int>();
        for (int i = 0; i < a._leaves.Length; i++)
            if (a._leaves[i] != b._leaves[i]) differing.Add(i);
        return differing;
    }

    /// <summary>Leaf hashes as bytes (16 per leaf, little-endian), for the wire.</summary>
    public byte[] LeavesToBytes()
    {
        var bytes = new byte[_leaves.Length * HashBytes];
        for (int i = 0; i < _leaves.Length; i++)
            BinaryPrimitives.WriteUInt128LittleEndian(bytes.AsSpan(i * HashBytes), _leaves[i]);
        return bytes;
    }

    public static MerkleTree FromBytes(long startExclusive, long endInclusive, int depth, ReadOnlySpan<byte> leaves)
    {
        if (leaves.Length != (1 << depth) * HashBytes) throw new FormatException($"tree of depth {depth} needs {(1 << depth) * HashBytes} bytes of leaves, got {leaves.Length}");
        var hashes = new UInt128[1 << depth];
        for (int i = 0; i < hashes.Length; i++) hashes[i] = BinaryPrimitives.ReadUInt128LittleEndian(leaves[(i * HashBytes)..]);
        return new MerkleTree(startExclusive, endInclusive, depth, hashes);
    }
}
