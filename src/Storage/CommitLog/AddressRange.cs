namespace RingStore.Storage.CommitLog;

/// <summary>A half-open range [Start, End) of log addresses.</summary>
internal readonly record struct AddressRange(long Start, long End)
{
    public bool Contains(long address) => address >= Start && address < End;
}
