namespace RingStore.Storage.SSTables;

/// <summary>
/// What <see cref="SSTableSalvager"/> kept and lost of one SSTable. "Damaged" partitions were kept with some rows
/// missing (the rows before and, where the row index allows, after a bad block); "dropped" ones lost everything.
/// Keys of partitions lost or damaged are listed when they are known (from the Index or a readable partition
/// header); a stretch of Data no readable Index entry describes and that cannot be parsed counts in
/// <see cref="DataBytesUnaccounted"/> instead, its keys unknown.
/// </summary>
public sealed class SalvageTally
{
    /// <summary>Keys listed at most; the counts stay exact beyond it.</summary>
    public const int MaxListedKeys = 1000;

    private readonly List<byte[]> _lostKeys = [];

    public long PartitionsKept { get; internal set; }

    public long RowsKept { get; internal set; }

    /// <summary>Partitions kept with some of their rows missing.</summary>
    public long PartitionsDamaged { get; internal set; }

    public long DataBlocksBad { get; internal set; }

    public long IndexBlocksBad { get; internal set; }

    /// <summary>Data bytes no readable Index entry or partition header accounts for (their partition keys are unknown).</summary>
    public long DataBytesUnaccounted { get; internal set; }

    /// <summary>True when the Index could not be read whole and Data was scanned sequentially where it was damaged.</summary>
    public bool UsedSequentialDataScan { get; internal set; }

    /// <summary>Keys of partitions dropped or damaged, in SSTable order (first <see cref="MaxListedKeys"/>).</summary>
    public IReadOnlyList<byte[]> LostKeys => _lostKeys;

    /// <summary>How many keys were lost or damaged in all (may exceed <see cref="LostKeys"/>'s count).</summary>
    public long LostKeyCount { get; private set; }

    internal void NoteLostKey(byte[] key)
    {
        LostKeyCount++;
        if (_lostKeys.Count < MaxListedKeys) _lostKeys.Add(key);
    }
}
