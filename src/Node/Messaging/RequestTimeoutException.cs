namespace RingStore.Node.Messaging;

/// <summary>No response arrived within the request's timeout. The request may still have been applied remotely.</summary>
public sealed class RequestTimeoutException : TimeoutException
{
    public RequestTimeoutException()
    {
    }

    public RequestTimeoutException(string message)
        : base(message)
    {
    }

    public RequestTimeoutException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public RequestTimeoutException(PeerAddress peer, Verb verb, TimeSpan timeout)
        : base($"{verb} request to {peer} timed out after {timeout.TotalMilliseconds:0} ms.")
    {
        Peer = peer;
        Verb = verb;
        Timeout = timeout;
    }

    public PeerAddress? Peer { get; }

    public Verb Verb { get; }

    public TimeSpan Timeout { get; }
}
