namespace RingStore.Storage.Engine;

/// <summary>
/// What <see cref="StorageEngine.ScrubAsync"/> did to one table. Counts cover the SSTables it rewrote.
/// <see cref="PartitionsDropped"/> and <see cref="RowsDropped"/> compare what was kept with the counts each SSTable's
/// Statistics recorded when it was written (checked against their CRC at open). <see cref="PartitionsDamaged"/> were
/// kept with some rows missing. <see cref="LostKeys"/> holds the keys of dropped and damaged partitions where they
/// are known (at most <see cref="SSTables.SalvageTally.MaxListedKeys"/> per SSTable; <see cref="LostKeyCount"/> is
/// exact); Data no readable Index entry or header describes is counted in <see cref="DataBytesUnaccounted"/>.
/// Repair restores what was lost from the other replicas.
/// </summary>
public sealed record ScrubResult(
    string Table,
    int SSTablesChecked,
    int SSTablesScrubbed,
    long PartitionsKept,
    long RowsKept,
    long PartitionsDropped,
    long PartitionsDamaged,
    long RowsDropped,
    long DataBlocksBad,
    long IndexBlocksBad,
    long DataBytesUnaccounted,
    IReadOnlyList<byte[]> LostKeys,
    long LostKeyCount)
{
    /// <summary>True when anything readable before was not kept (a script should run repair).</summary>
    public bool LostData => PartitionsDropped > 0 || PartitionsDamaged > 0 || RowsDropped > 0 || DataBytesUnaccounted > 0 || LostKeyCount > 0;

    public static ScrubResult Empty(string table, int checkedCount) => new(table, checkedCount, 0, 0, 0, 0, 0, 0, 0, 0, 0, [], 0);
}
