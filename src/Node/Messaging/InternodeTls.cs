using System.Net.Security;
using System.Security.Authentication;
using RingStore.Client.Tls;
using RingStore.Node.Security;

namespace RingStore.Node.Messaging;

/// <summary>
/// Mutual TLS for internode connections: both ends present a certificate and each accepts the other's only when it
/// chains to the cluster's CA. The peer's host name is not checked (nodes are addressed by IP and every node's
/// certificate is equally a cluster member's); the CA is the identity. TLS 1.2 and 1.3 only.
/// The material is read per connection, so a reload applies to the next connection.
/// </summary>
public sealed class InternodeTls(Func<TlsMaterial> current)
{
    private const SslProtocols Protocols = SslProtocols.Tls12 | SslProtocols.Tls13;

    public TlsMaterial Current => current();

    /// <param name="refused">Receives the reason when the peer's certificate is refused (for the log line).</param>
    internal SslServerAuthenticationOptions ServerOptions(Action<string> refused)
    {
        var material = current();
        return new SslServerAuthenticationOptions
        {
            ServerCertificateContext = material.Context,
            ClientCertificateRequired = true,
            EnabledSslProtocols = Protocols,
            CertificateRevocationCheckMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck,
            RemoteCertificateValidationCallback = (_, certificate, _, _) => Accept(certificate, material, refused),
        };
    }

    internal SslClientAuthenticationOptions ClientOptions(string targetHost, Action<string> refused)
    {
        var material = current();
        return new SslClientAuthenticationOptions
        {
            TargetHost = targetHost,
            ClientCertificateContext = material.Context,
            EnabledSslProtocols = Protocols,
            CertificateRevocationCheckMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck,
            RemoteCertificateValidationCallback = (_, certificate, _, _) => Accept(certificate, material, refused),
        };
    }

    // The platform's own verdict (machine trust store, name) is ignored on purpose: only the cluster CA counts.
    private static bool Accept(System.Security.Cryptography.X509Certificates.X509Certificate? certificate, TlsMaterial material, Action<string> refused)
    {
        if (CaTrust.Check(certificate, material.Ca) is { } problem)
        {
            refused(problem);
            return false;
        }

        return true;
    }
}
