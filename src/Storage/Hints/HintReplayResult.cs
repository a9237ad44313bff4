namespace RingStore.Storage.Hints;

/// <summary>
/// Outcome of one <see cref="HintStore.ReplayAsync"/> call for one target.
/// </summary>
/// <param name="Delivered">Hints the sender acknowledged (now deleted).</param>
/// <param name="Dropped">Hints skipped because they were older than the hint window (also deleted).</param>
/// <param name="CorruptSkipped">Damaged hint records found during this replay and skipped.</param>
/// <param name="StoppedEarly">True when the sender refused or failed a hint; the next replay resumes at that hint.</param>
/// <param name="DeliveredBytes">Bytes of the delivered hint records (what the throttle counts).</param>
public sealed record HintReplayResult(int Delivered, int Dropped, int CorruptSkipped, bool StoppedEarly, long DeliveredBytes)
{
    public static HintReplayResult Nothing { get; } = new(0, 0, 0, false, 0);
}
