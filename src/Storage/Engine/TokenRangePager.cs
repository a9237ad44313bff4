using RingStore.Core.Partitioning;
using RingStore.Core.Serialization;
using RingStore.Storage.Reads;

namespace RingStore.Storage.Engine;

/// <summary>
/// Fills one <see cref="TokenRangePage"/> from a token-ordered scan: takes partitions until their encoded size reaches
/// the budget, always at least one, and refuses only a partition that starts a new token, so partitions sharing a
/// token (hash collisions) are never split across pages and resuming after the last token skips nothing.
/// Separate from the engine so the rule can be tested with made-up colliding tokens.
/// </summary>
internal sealed class TokenRangePager(long maxBytes)
{
    private readonly List<MergedPartitionData> _partitions = [];
    private readonly BinaryWriterBuffer _scratch = new(1024);
    private long _bytes;
    private Token _last;

    /// <summary>
    /// Adds <paramref name="p"/> (materializing its rows), or returns false when the page is full and
    /// <paramref name="p"/> has a new token: the scan stops there, without reading that partition's rows.
    /// </summary>
    public bool TryAdd(MergedPartition p)
    {
        if (_bytes >= maxBytes && _partitions.Count > 0 && p.Token != _last) return false;
        var data = new MergedPartitionData(p.Key, p.Token, p.PartitionDeletion, p.RangeTombstones, p.Rows.ToArray());
        _partitions.Add(data);
        _bytes += EncodedSize(data);
        _last = p.Token;
        return true;
    }

    /// <summary>The page; <paramref name="more"/>: the scan stopped on a refused partition, so the range is not done.</summary>
    public TokenRangePage Finish(bool more) => Finish(more ? _last : null);

    public TokenRangePage Finish(Token? resumeAfter) => new(_partitions, resumeAfter, _bytes);

    public int Count => _partitions.Count;

    /// <summary>Bytes the partition takes encoded as the commit log and SSTables encode it (key, header, rows).</summary>
    private long EncodedSize(MergedPartitionData p)
    {
        _scratch.Clear();
        _scratch.WriteBlob(p.Key);
        DataSerializer.WriteDeletion(_scratch, p.PartitionDeletion);
        _scratch.WriteVarUInt((ulong)p.RangeTombstones.Count);
        foreach (var rt in p.RangeTombstones) DataSerializer.WriteRangeTombstone(_scratch, rt);
        long size = _scratch.Length;
        foreach (var row in p.Rows)
        {
            _scratch.Clear();
            DataSerializer.WriteRow(_scratch, row);
            size += _scratch.Length;
        }
        return size;
    }
}
