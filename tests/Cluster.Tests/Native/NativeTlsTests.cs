using System.Buffers.Binary;
using System.Globalization;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using RingStore.Client.Tls;
using RingStore.LocalCluster;

namespace RingStore.Cluster.Tests.Native;

/// <summary>
/// TLS on the CQL native port (issue 17): with client TLS on, the DataStax Python driver connects over TLS 1.2+
/// trusting the cluster's CA (checking the certificate names the node's address), discovers every node and runs
/// queries through each; a plain-text client is refused with a clear protocol error and the connection closed; a
/// certificate rotated with SIGHUP is what new native connections get, without a restart.
/// </summary>
[Collection(ProcessClusterCollection.Name)]
public sealed class NativeTlsTests
{
    private const string Keyspace = "tlsnative";

    [Fact]
    public async Task The_native_port_speaks_only_tls_with_the_reloading_certificate_when_client_tls_is_on()
    {
        string python = PythonDriver.Find()
            ?? throw new InvalidOperationException("No python3 with the Cassandra driver: apt-get install python3-cassandra (.ci/run does).");
        await using var cluster = await ProcessCluster.StartAsync(3, native: true, tls: true);
        await cluster.CreateKeyspaceAsync(Keyspace, 3);
        await cluster.CreateTableAsync(KvTable.Create(Keyspace));
        string ca = cluster.Options.CaFile!;
        int port = cluster.Options.NativePort(0);
        var all = Enumerable.Range(0, 3).Select(i => $"127.0.0.1:{cluster.Options.NativePort(i)}").Order(StringComparer.Ordinal).ToList();

        var tls = await Task.Run(() => PythonDriver.RunNativeScript(python, "connect_check.py", "connect", "127.0.0.1", Port(port), "--ca", ca, "--keyspace", Keyspace));
        Assert.True(tls.ExitCode == 0, $"connect_check.py over TLS failed ({tls.ExitCode}):\n{tls.Stdout}\n{tls.Stderr}");
        Assert.Equal(all, tls.Result("hosts").EnumerateArray().Select(e => e.GetString()));
        Assert.Contains(tls.Result("tls").GetProperty("version").GetString(), new[] { "TLSv1.2", "TLSv1.3" });
        Assert.Equal("from python", tls.Result("roundtrip").GetString());
        Assert.Equal(all.Select(a => $"{a}=from python"), tls.Result("answered").EnumerateArray().Select(e => e.GetString()));

        // Plain text: the driver gives up at once with the node's reason, not after its connect timeout.
        var plain = await Task.Run(() => PythonDriver.RunNativeScript(python, "connect_check.py", "refused", "127.0.0.1", Port(port)));
        Assert.True(plain.ExitCode == 0, $"connect_check.py refused failed ({plain.ExitCode}):\n{plain.Stdout}\n{plain.Stderr}");
        var refused = plain.Result("refused");
        Assert.Equal("NoHostAvailable", refused.GetProperty("class").GetString());
        Assert.Contains("requires TLS", refused.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.True(refused.GetProperty("seconds").GetDouble() < 9, $"the driver took {refused.GetProperty("seconds").GetDouble():0.0} s to give up");

        // The same from a raw socket: one Protocol error (0x000A) frame on the request's stream, in the clear, then EOF.
        var (stream, code, message, closed) = await PlainOptionsAsync(port, streamId: 7);
        Assert.Equal((7, 0x000A, true), (stream, code, closed));
        Assert.Contains("requires TLS", message, StringComparison.Ordinal);
        await ProcessCluster.WaitUntilAsync(() => Task.FromResult(cluster.Log(0).Contains("refused a plain-text connection", StringComparison.Ordinal)),
            "node 0 logs the refused plain-text connection");

        // Rotation: a new certificate from the same CA and SIGHUP; new native connections get it, the pid is the same.
        string dir = cluster.Options.TlsDirectory;
        string before = ServedThumbprint(port, ca);
        int pid = cluster.Node(0).Pid!.Value;
        using (var authority = DevCertificateAuthority.Load(Path.Combine(dir, LocalClusterCertificates.CaFileName), Path.Combine(dir, LocalClusterCertificates.CaKeyFileName)))
        {
            LocalClusterCertificates.IssueNode(authority, dir, 0, "127.0.0.1", DateTimeOffset.UtcNow);
        }
        Signals.Hangup(pid);
        string expected = X509Certificate2.CreateFromPem(File.ReadAllText(LocalClusterCertificates.CertificatePath(dir, 0))).Thumbprint;
        Assert.NotEqual(before, expected);
        await ProcessCluster.WaitUntilAsync(() => Task.FromResult(ServedThumbprint(port, ca) == expected), "node 0's native port serves the new certificate");
        Assert.Equal(pid, cluster.Node(0).Pid);
        var again = await Task.Run(() => PythonDriver.RunNativeScript(python, "connect_check.py", "connect", "127.0.0.1", Port(port), "--ca", ca));
        Assert.True(again.ExitCode == 0, $"connect_check.py after the rotation failed ({again.ExitCode}):\n{again.Stdout}\n{again.Stderr}");
    }

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);

    /// <summary>Sends a plain-text v4 OPTIONS frame and reads the one frame that comes back, and whether the node then closed.</summary>
    private static async Task<(short Stream, int Code, string Message, bool Closed)> PlainOptionsAsync(int port, short streamId)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", port);
        var net = tcp.GetStream();
        net.ReadTimeout = 10_000;
        byte[] options = [0x04, 0x00, (byte)(streamId >> 8), (byte)streamId, 0x05, 0, 0, 0, 0];
        await net.WriteAsync(options);
        byte[] header = new byte[9];
        await net.ReadExactlyAsync(header);
        Assert.Equal(0x84, header[0]); // a v4 response
        Assert.Equal(0x00, header[4]); // ERROR
        byte[] body = new byte[BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(5))];
        await net.ReadExactlyAsync(body);
        int code = BinaryPrimitives.ReadInt32BigEndian(body);
        int length = BinaryPrimitives.ReadUInt16BigEndian(body.AsSpan(4));
        string message = Encoding.UTF8.GetString(body, 6, length);
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        bool closed = await net.ReadAsync(new byte[1], wait.Token) == 0;
        return (BinaryPrimitives.ReadInt16BigEndian(header.AsSpan(2)), code, message, closed);
    }

    /// <summary>The thumbprint of the certificate the native port presents to a new TLS connection (validated against the CA).</summary>
    private static string ServedThumbprint(int port, string caFile)
    {
        var ca = CaTrust.LoadPem(caFile);
        using var tcp = new TcpClient();
        tcp.Connect("127.0.0.1", port);
        string? thumbprint = null;
        using var ssl = new SslStream(tcp.GetStream(), false, (_, certificate, _, _) =>
        {
            if (certificate is null) return false;
            var served = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
            thumbprint = served.Thumbprint;
            return CaTrust.Check(served, ca) is null;
        });
        ssl.AuthenticateAsClient(new SslClientAuthenticationOptions { TargetHost = "127.0.0.1" });
        Assert.True(ssl.SslProtocol is System.Security.Authentication.SslProtocols.Tls12 or System.Security.Authentication.SslProtocols.Tls13, $"negotiated {ssl.SslProtocol}");
        return thumbprint!;
    }
}
