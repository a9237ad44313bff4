using RingStore.Core.Consistency;

namespace RingStore.Core.Errors;

/// <summary>Not enough replicas answered a read in time (or a read repair did not complete in time).</summary>
public sealed class ReadTimeoutException : Exception
{
    public ReadTimeoutException(ConsistencyLevel consistency, int received, int blockFor, bool dataPresent)
        : base($"Read timed out at consistency {consistency.ToCqlName()}: {received} of {blockFor} required replica(s) answered" +
               (dataPresent ? "." : " and none of them sent the data."))
    {
        Consistency = consistency;
        Received = received;
        BlockFor = blockFor;
        DataPresent = dataPresent;
    }

    public ConsistencyLevel Consistency { get; }
    public int Received { get; }
    public int BlockFor { get; }
    public bool DataPresent { get; }
}
