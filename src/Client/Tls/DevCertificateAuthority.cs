using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace RingStore.Client.Tls;

/// <summary>
/// A throwaway certificate authority for local clusters and tests (<c>ringstore up --tls</c>): an ECDSA P-256 CA made
/// in memory with <see cref="CertificateRequest"/>, which issues node certificates usable as TLS server and client
/// (internode TLS is mutual). Nothing is downloaded and nothing touches the machine's certificate store.
/// Not for production: the CA key is written next to the certificates.
/// </summary>
public sealed class DevCertificateAuthority : IDisposable
{
    private readonly ECDsa _key;

    private DevCertificateAuthority(X509Certificate2 certificate, ECDsa key)
    {
        Certificate = certificate;
        _key = key;
    }

    /// <summary>The CA certificate (public part); this is what clients and nodes trust.</summary>
    public X509Certificate2 Certificate { get; }

    public static DevCertificateAuthority Create(string name, DateTimeOffset now, TimeSpan validity)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        // Back-dated a little so a peer whose clock is slightly behind still accepts it.
        var certificate = request.CreateSelfSigned(now.AddHours(-1), now + validity);
        return new DevCertificateAuthority(certificate, key);
    }

    /// <summary>A CA written earlier by <see cref="WriteCa"/> with its key (to issue certificates for nodes added later).</summary>
    public static DevCertificateAuthority Load(string certificatePath, string keyPath)
    {
        var certificate = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
        var key = certificate.GetECDsaPrivateKey() ?? throw new InvalidOperationException($"'{keyPath}' is not an ECDSA key");
        return new DevCertificateAuthority(certificate, key);
    }

    /// <summary>A certificate for one node (or client) signed by this CA, with its private key, valid for the given names.</summary>
    public X509Certificate2 Issue(string commonName, IEnumerable<string> dnsNames, IEnumerable<IPAddress> addresses, DateTimeOffset now, TimeSpan validity)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false)); // serverAuth, clientAuth
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, true, false));
        var names = new SubjectAlternativeNameBuilder();
        foreach (var dns in dnsNames) names.AddDnsName(dns);
        foreach (var address in addresses) names.AddIpAddress(address);
        request.CertificateExtensions.Add(names.Build());

        var notAfter = now + validity;
        if (notAfter > Certificate.NotAfter) notAfter = Certificate.NotAfter;
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F; // a positive serial number
        using var signed = request.Create(Certificate.SubjectName, X509SignatureGenerator.CreateForECDsa(_key), now.AddHours(-1), notAfter, serial);
        return signed.CopyWithPrivateKey(key);
    }

    /// <summary>Writes the CA's certificate (and, when <paramref name="keyPath"/> is given, its key) as PEM.</summary>
    public void WriteCa(string certificatePath, string? keyPath = null)
    {
        WriteText(certificatePath, Certificate.ExportCertificatePem(), secret: false);
        if (keyPath is not null) WriteText(keyPath, _key.ExportPkcs8PrivateKeyPem(), secret: true);
    }

    /// <summary>Writes a certificate as PEM and its private key as unencrypted PKCS#8 PEM (mode 0600 on Unix).</summary>
    public static void WritePem(X509Certificate2 certificate, string certificatePath, string keyPath)
    {
        using var key = certificate.GetECDsaPrivateKey() ?? throw new InvalidOperationException("certificate has no ECDSA private key");
        // Key first: a node that reloads on the certificate's change then finds its key already in place.
        WriteText(keyPath, key.ExportPkcs8PrivateKeyPem(), secret: true);
        WriteText(certificatePath, certificate.ExportCertificatePem(), secret: false);
    }

    private static void WriteText(string path, string text, bool secret)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        // Written aside then renamed, so a node reloading on a file change never reads half a file.
        var temp = path + ".tmp";
        File.WriteAllText(temp, text.EndsWith('\n') ? text : text + "\n"); // so files can be concatenated into a bundle
        if (secret && !OperatingSystem.IsWindows()) File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Move(temp, path, overwrite: true);
    }

    public void Dispose()
    {
        _key.Dispose();
        Certificate.Dispose();
    }
}
