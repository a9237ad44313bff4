using RingStore.Storage.SSTables;

namespace RingStore.Storage.Engine;

/// <summary>What <see cref="StorageEngine.VerifyAsync"/> checked and every problem it found (none: all is well).</summary>
public sealed record VerifyReport(int SSTablesChecked, IReadOnlyList<VerifyFinding> Findings)
{
    public bool Ok => Findings.Count == 0;
}

/// <summary>One problem: the table, the file and its component, the block (Data and Index only) and the error.</summary>
public sealed record VerifyFinding(string Table, string File, SSTableComponent Component, long? Block, string Error);
