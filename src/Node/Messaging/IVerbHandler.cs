namespace RingStore.Node.Messaging;

/// <summary>
/// Handles one verb on the receiving node. For a request, the returned bytes are the response payload
/// (null means an empty response); for a one-way message the result is ignored. An exception becomes a
/// failure response (<see cref="RequestFailedException"/> with <see cref="RequestFailureReason.RemoteHandlerFailed"/>)
/// at the caller, so a bug in one handler never takes the connection down.
/// </summary>
public interface IVerbHandler
{
    ValueTask<ReadOnlyMemory<byte>?> HandleAsync(PeerAddress sender, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken);
}
