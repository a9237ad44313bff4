namespace RingStore.Node.Messaging;

/// <summary>An internode TLS handshake failed: we refused the peer's certificate, or the peer refused ours / spoke no TLS.</summary>
public sealed class TlsRefusedException : Exception
{
    public TlsRefusedException()
    {
    }

    public TlsRefusedException(string message)
        : base(message)
    {
    }

    public TlsRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
