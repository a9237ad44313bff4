using System.Buffers.Binary;
using System.IO.Hashing;

namespace RingStore.Storage.Repair;

/// <summary>
/// Builds a <see cref="MerkleTree"/> from entries fed in scan order (token, key, header, clustering), one at a time:
/// memory is the leaf array plus one running hash, never the range's data. Entries out of order or outside the range
/// throw, since a tree built from a different order would not match another replica's.
/// </summary>
public sealed class MerkleTreeBuilder(long startExclusive, long endInclusive, int depth)
{
    private readonly UInt128[] _leaves = Filled(1 << depth);
    private readonly XxHash128 _hash = new();
    private readonly byte[] _digest = new byte[MerkleTree.HashBytes];
    private int _currentLeaf = -1;
    private RepairEntryKey? _last;

    public long Entries { get; private set; }

    public void Add(RepairEntry entry)
    {
        var key = entry.Key;
        if (_last is { } last && last.CompareTo(key) >= 0)
            throw new ArgumentException($"repair entries out of scan order at token {entry.Token}");
        _last = key;
        int leaf = MerkleTree.LeafOf(startExclusive, endInclusive, depth, entry.Token);
        if (leaf != _currentLeaf)
        {
            CloseLeaf();
            _currentLeaf = leaf;
        }
        BinaryPrimitives.WriteUInt128LittleEndian(_digest, entry.Digest);
        _hash.Append(_digest);
        Entries++;
    }

    public MerkleTree Build()
    {
        CloseLeaf();
        return new MerkleTree(startExclusive, endInclusive, depth, _leaves);
    }

    private void CloseLeaf()
    {
        if (_currentLeaf < 0) return;
        _leaves[_currentLeaf] = _hash.GetCurrentHashAsUInt128();
        _hash.Reset();
        _currentLeaf = -1;
    }

    private static UInt128[] Filled(int count)
    {
        var leaves = new UInt128[count];
        Array.Fill(leaves, MerkleTree.EmptyLeaf);
        return leaves;
    }
}
