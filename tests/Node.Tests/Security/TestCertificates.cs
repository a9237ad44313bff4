using System.Net;
using System.Security.Cryptography.X509Certificates;
using RingStore.Client.Tls;
using RingStore.Node.Security;

namespace RingStore.Node.Tests.Security;

/// <summary>A throwaway CA per test, with node certificates written as PEM into a fresh temp directory.</summary>
internal sealed class TestCertificates : IDisposable
{
    public TestCertificates(string caName = "test CA")
    {
        Directory = Path.Combine(Path.GetTempPath(), "ringstore-tls-" + Guid.NewGuid().ToString("N")[..8]);
        System.IO.Directory.CreateDirectory(Directory);
        Ca = DevCertificateAuthority.Create(caName, DateTimeOffset.UtcNow, TimeSpan.FromDays(1));
        CaPath = Path.Combine(Directory, "ca.pem");
        Ca.WriteCa(CaPath);
    }

    public string Directory { get; }

    public DevCertificateAuthority Ca { get; }

    public string CaPath { get; }

    /// <summary>Issues a node certificate and writes it (name.pem, name-key.pem); returns the two paths.</summary>
    public (string Certificate, string Key) WriteNode(string name)
    {
        using var certificate = Issue(name);
        var paths = (Path.Combine(Directory, name + ".pem"), Path.Combine(Directory, name + "-key.pem"));
        DevCertificateAuthority.WritePem(certificate, paths.Item1, paths.Item2);
        return paths;
    }

    public X509Certificate2 Issue(string name) =>
        Ca.Issue(name, ["localhost"], [IPAddress.Loopback], DateTimeOffset.UtcNow, TimeSpan.FromDays(1));

    /// <summary>Material for a node: its certificate from this CA, trusting <paramref name="trusted"/> (default this CA).</summary>
    public TlsMaterial Material(string name, string? trusted = null)
    {
        var (certificate, key) = WriteNode(name);
        return TlsMaterial.Load(certificate, key, trusted ?? CaPath);
    }

    public void Dispose()
    {
        Ca.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
