using System.Net;
using System.Security.Cryptography.X509Certificates;
using RingStore.Client.Tls;
using RingStore.Node.Security;

namespace RingStore.Node.Tests.Security;

public sealed class CertificateGenerationTests
{
    [Fact]
    public void Issued_certificate_chains_to_its_ca_and_names_localhost_and_loopback()
    {
        using var certs = new TestCertificates();
        using var node = certs.Issue("node0");

        Assert.Null(CaTrust.Check(node, new X509Certificate2Collection(certs.Ca.Certificate)));
        Assert.True(node.HasPrivateKey);
        Assert.True(node.MatchesHostname("localhost"));
        Assert.True(node.MatchesHostname("127.0.0.1"));
        var usages = node.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages.Cast<System.Security.Cryptography.Oid>().Select(o => o.Value).ToList();
        Assert.Contains("1.3.6.1.5.5.7.3.1", usages); // server
        Assert.Contains("1.3.6.1.5.5.7.3.2", usages); // client: internode TLS is mutual
    }

    [Fact]
    public void Certificate_from_another_ca_is_refused_with_a_reason()
    {
        using var ours = new TestCertificates("our CA");
        using var theirs = new TestCertificates("their CA");
        using var stranger = theirs.Issue("stranger");

        var reason = CaTrust.Check(stranger, new X509Certificate2Collection(ours.Ca.Certificate));

        Assert.NotNull(reason);
        Assert.Contains("not signed by the trusted CA", reason, StringComparison.Ordinal);
        Assert.Equal("no certificate presented", CaTrust.Check(null, new X509Certificate2Collection(ours.Ca.Certificate)));
    }

    [Fact]
    public void Pem_files_round_trip_into_tls_material()
    {
        using var certs = new TestCertificates();
        var (certificate, key) = certs.WriteNode("node1");

        var material = TlsMaterial.Load(certificate, key, certs.CaPath);

        Assert.True(material.Certificate.HasPrivateKey);
        Assert.Equal("CN=node1", material.Certificate.Subject);
        Assert.Single(material.Ca);
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(key));
    }

    [Fact]
    public void Loading_a_certificate_that_is_not_from_the_configured_ca_fails_naming_the_files()
    {
        using var ours = new TestCertificates("our CA");
        using var theirs = new TestCertificates("their CA");
        var (certificate, key) = theirs.WriteNode("stranger");

        var ex = Assert.Throws<InvalidOperationException>(() => TlsMaterial.Load(certificate, key, ours.CaPath));

        Assert.Contains(certificate, ex.Message, StringComparison.Ordinal);
        Assert.Contains(ours.CaPath, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_saved_ca_can_be_loaded_again_to_issue_more_certificates()
    {
        using var certs = new TestCertificates();
        var keyPath = Path.Combine(certs.Directory, "ca-key.pem");
        certs.Ca.WriteCa(certs.CaPath, keyPath);

        using var again = DevCertificateAuthority.Load(certs.CaPath, keyPath);
        using var later = again.Issue("node9", [], [IPAddress.Loopback], DateTimeOffset.UtcNow, TimeSpan.FromDays(1));

        Assert.Null(CaTrust.Check(later, new X509Certificate2Collection(certs.Ca.Certificate)));
    }

    [Fact]
    public void A_failed_reload_keeps_the_previous_certificate_and_a_good_one_replaces_it()
    {
        using var certs = new TestCertificates();
        var (certificate, key) = certs.WriteNode("node0");
        using var credentials = new TlsCredentials(certificate, key, certs.CaPath, "test", Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        var first = credentials.Current;

        File.WriteAllText(certificate, "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n");
        Assert.False(credentials.Reload());
        Assert.Same(first, credentials.Current);

        certs.WriteNode("node0");
        Assert.True(credentials.Reload());
        Assert.NotEqual(first.Certificate.Thumbprint, credentials.Current.Certificate.Thumbprint);
    }
}

public sealed class TlsOptionsTests
{
    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void Tls_without_its_three_files_is_refused_at_start(bool internode, bool client)
    {
        var options = new RingStore.Node.Hosting.NodeOptions { InternodeTls = internode, ClientTls = client, TlsCertificate = "node.pem" };

        var ex = Assert.Throws<InvalidOperationException>(options.Validate);

        Assert.Contains("RingStore:TlsKey", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tls_switches_map_to_the_options()
    {
        var map = RingStore.Node.Hosting.NodeCommandLine.SwitchMappings;
        Assert.Equal("RingStore:TlsCertificate", map["--tls-cert"]);
        Assert.Equal("RingStore:TlsKey", map["--tls-key"]);
        Assert.Equal("RingStore:TlsCa", map["--tls-ca"]);
        Assert.Equal("RingStore:InternodeTls", map["--internode-tls"]);
        Assert.Equal("RingStore:ClientTls", map["--client-tls"]);
    }
}
