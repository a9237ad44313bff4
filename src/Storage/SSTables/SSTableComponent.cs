namespace RingStore.Storage.SSTables;

/// <summary>The files of one SSTable generation. Values are stable (they appear in file names via the table below).</summary>
public enum SSTableComponent
{
    Data = 1,
    Index = 2,
    Summary = 3,
    Filter = 4,
    Statistics = 5,
    Toc = 6,
}
