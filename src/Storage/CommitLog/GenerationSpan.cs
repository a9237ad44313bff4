namespace RingStore.Storage.CommitLog;

/// <summary>One live generation as the bookkeeping sees it: its number and its [Begin, Tail) in global positions.</summary>
internal readonly record struct GenerationSpan(int Generation, long Begin, long Tail)
{
    public long Bytes => Tail - Begin;
}
