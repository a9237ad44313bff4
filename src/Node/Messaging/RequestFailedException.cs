namespace RingStore.Node.Messaging;

/// <summary>A request ended without a normal response: see <see cref="Reason"/>.</summary>
public sealed class RequestFailedException : Exception
{
    public RequestFailedException()
    {
    }

    public RequestFailedException(string message)
        : base(message)
    {
    }

    public RequestFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public RequestFailedException(PeerAddress peer, Verb verb, RequestFailureReason reason, string detail)
        : base($"{verb} request to {peer} failed ({reason}): {detail}")
    {
        Peer = peer;
        Verb = verb;
        Reason = reason;
        Detail = detail;
    }

    public PeerAddress? Peer { get; }

    public Verb Verb { get; }

    public RequestFailureReason Reason { get; }

    /// <summary>For remote failures, the remote's message (exception type and text).</summary>
    public string Detail { get; } = string.Empty;
}
