namespace RingStore.Storage.CommitLog;

/// <summary>What the scanner found at one place in the log: a valid entry, or a corrupt region [Position, End).</summary>
internal readonly record struct ScanItem(bool IsCorrupt, long Position, long End, byte[] Payload, string Reason)
{
    public static ScanItem Entry(long position, long end, byte[] payload) => new(false, position, end, payload, "");

    public static ScanItem Corrupt(long position, long end, string reason) => new(true, position, end, [], reason);
}
