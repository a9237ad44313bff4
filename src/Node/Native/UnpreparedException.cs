namespace RingStore.Node.Native;

/// <summary>EXECUTE of an id this node does not know (never prepared here, or evicted): the driver re-prepares and retries.</summary>
public sealed class UnpreparedException(byte[] id) : Exception($"Prepared query with ID {Convert.ToHexString(id).ToLowerInvariant()} not found")
{
    public byte[] Id { get; } = id;
}
