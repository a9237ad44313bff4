using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace RingStore.Client.Tls;

/// <summary>
/// Trust in exactly one private CA (the cluster's), not the machine's store: a certificate is good when it chains to
/// one of the given CA certificates. Used by the SDK and the CLI for client TLS and by nodes for internode TLS.
/// </summary>
public static class CaTrust
{
    /// <summary>Every certificate in a PEM file (a CA bundle may hold several). Fails with the file's name when it holds none.</summary>
    public static X509Certificate2Collection LoadPem(string path)
    {
        var collection = new X509Certificate2Collection();
        try
        {
            collection.ImportFromPemFile(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            throw new InvalidOperationException($"cannot read CA file '{path}': {ex.Message}", ex);
        }

        if (collection.Count == 0) throw new InvalidOperationException($"CA file '{path}' holds no PEM certificate.");
        return collection;
    }

    /// <summary>
    /// Null when <paramref name="certificate"/> chains to one of <paramref name="ca"/> and is valid now; otherwise why
    /// not, in words for a log line. Revocation is not checked (a private CA publishes no CRL here).
    /// </summary>
    public static string? Check(X509Certificate? certificate, X509Certificate2Collection ca)
    {
        if (certificate is null) return "no certificate presented";
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        var leaf = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        if (chain.Build(leaf)) return null;
        var problems = string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).Distinct());
        return $"certificate '{leaf.Subject}' is not signed by the trusted CA ({(problems.Length > 0 ? problems : "chain does not build")})";
    }

    /// <summary>
    /// A server-certificate check for a client: the chain must lead to <paramref name="ca"/> and the name must match
    /// the address dialled (what the platform reported as <paramref name="errors"/>).
    /// </summary>
    public static RemoteCertificateValidationCallback ServerCallback(X509Certificate2Collection ca) =>
        (_, certificate, _, errors) =>
            (errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) == 0
            && Check(certificate, ca) is null;

    /// <summary>An HTTP/2 handler that speaks TLS 1.2+ and trusts only <paramref name="ca"/> (for gRPC channels).</summary>
    public static SocketsHttpHandler Handler(X509Certificate2Collection ca, SocketsHttpHandler? handler = null)
    {
        handler ??= new SocketsHttpHandler();
        handler.SslOptions = new SslClientAuthenticationOptions
        {
            EnabledSslProtocols = System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13,
            RemoteCertificateValidationCallback = ServerCallback(ca),
        };
        return handler;
    }
}
