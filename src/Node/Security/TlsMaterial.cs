using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using RingStore.Client.Tls;

namespace RingStore.Node.Security;

/// <summary>
/// One loaded set of TLS files: this node's certificate with its key, and the CA certificates it trusts for peers.
/// Immutable; a reload builds a new one and connections opened after it use the new one.
/// </summary>
public sealed class TlsMaterial
{
    private TlsMaterial(X509Certificate2 certificate, X509Certificate2Collection ca)
    {
        Certificate = certificate;
        Ca = ca;
        // offline: the chain is built from what we have, never by fetching intermediates over the network.
        Context = SslStreamCertificateContext.Create(certificate, additionalCertificates: null, offline: true);
    }

    public X509Certificate2 Certificate { get; }

    public SslStreamCertificateContext Context { get; }

    public X509Certificate2Collection Ca { get; }

    /// <summary>Reads the PEM files; throws <see cref="InvalidOperationException"/> naming the file that is wrong.</summary>
    public static TlsMaterial Load(string certificatePath, string keyPath, string caPath)
    {
        X509Certificate2 certificate;
        try
        {
            certificate = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException or ArgumentException)
        {
            throw new InvalidOperationException($"cannot load TLS certificate '{certificatePath}' with key '{keyPath}': {ex.Message}", ex);
        }

        var ca = CaTrust.LoadPem(caPath);
        // A node whose own certificate is not from the cluster's CA would be refused by every peer: say so at load.
        if (CaTrust.Check(certificate, ca) is { } problem)
        {
            certificate.Dispose();
            throw new InvalidOperationException($"TLS certificate '{certificatePath}' does not chain to the CA in '{caPath}': {problem}");
        }

        return new TlsMaterial(certificate, ca);
    }

    public override string ToString() =>
        $"'{Certificate.Subject}' (thumbprint {Certificate.Thumbprint}, valid until {Certificate.NotAfter.ToUniversalTime():yyyy-MM-dd HH:mm}Z)";
}
