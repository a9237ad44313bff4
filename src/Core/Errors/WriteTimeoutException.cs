using RingStore.Core.Consistency;

namespace RingStore.Core.Errors;

/// <summary>
/// Not enough replicas acknowledged a write in time. The write may still have been applied by some
/// replicas (and hinted for the others), so a client may only retry it if it is idempotent.
/// </summary>
public sealed class WriteTimeoutException : Exception
{
    public WriteTimeoutException(ConsistencyLevel consistency, int received, int blockFor)
        : base($"Write timed out at consistency {consistency.ToCqlName()}: {received} of {blockFor} required replica(s) acknowledged.")
    {
        Consistency = consistency;
        Received = received;
        BlockFor = blockFor;
    }

    public ConsistencyLevel Consistency { get; }
    public int Received { get; }
    public int BlockFor { get; }
}
