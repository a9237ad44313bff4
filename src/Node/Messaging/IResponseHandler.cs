namespace RingStore.Node.Messaging;

/// <summary>
/// Receives the outcome of a request sent with <see cref="IMessagingService.SendRequest"/>: a callback instead of a
/// task, for the hot paths that send one request per replica per client write (no Task, TaskCompletionSource,
/// Response or async state machine per request). Exactly one of the two methods is called, once per request, with
/// the state the sender passed.
/// </summary>
/// <remarks>
/// Over TCP the callbacks run on the connection's read loop (a response), the request's timer (a timeout) or the
/// connection loop (a lost connection), and may run before <c>SendRequest</c> returns (a peer known unreachable): they
/// must be short and must not block; hand slow work (disk, logging of failures) to the thread pool.
/// </remarks>
public interface IResponseHandler
{
    /// <summary>The peer answered with success and <paramref name="payload"/>.</summary>
    void OnResponse(object? state, ReadOnlyMemory<byte> payload);

    /// <summary>
    /// No success answer: <see cref="RequestTimeoutException"/> when none arrived within the timeout, or
    /// <see cref="RequestFailedException"/> when the handler failed, the connection was lost or the queue overflowed.
    /// </summary>
    void OnFailure(object? state, Exception error);
}
