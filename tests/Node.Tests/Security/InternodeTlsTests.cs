using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using RingStore.Node.Messaging;
using RingStore.Node.Security;
using RingStore.Node.Tests.Messaging;
using static RingStore.Node.Tests.Messaging.DelegateHandler;
using static RingStore.Node.Tests.Messaging.MessagingTestKit;

namespace RingStore.Node.Tests.Security;

/// <summary>Two real MessagingServices over loopback TCP with real TLS handshakes.</summary>
public sealed class InternodeTlsTests
{
    [Fact]
    public async Task Nodes_with_certificates_from_the_cluster_ca_talk_over_tls()
    {
        using var certs = new TestCertificates();
        await using var server = await StartTlsAsync(certs.Material("server"));
        await using var client = await StartTlsAsync(certs.Material("client"));
        server.RegisterHandler(Verb.Test, Echo());

        var response = await client.SendRequestAsync(server.LocalAddress, Verb.Test, Bytes("over tls"));

        Assert.Equal("echo:over tls", Text(response.Payload));
        Assert.Equal(0, server.Counters.HandshakesRefused);
    }

    [Fact]
    public async Task A_node_with_a_certificate_from_another_ca_is_refused_and_both_sides_log_why()
    {
        using var cluster = new TestCertificates("cluster CA");
        using var foreign = new TestCertificates("foreign CA");
        var serverLog = new CapturingLogger();
        var clientLog = new CapturingLogger();
        await using var server = await StartTlsAsync(cluster.Material("server"), serverLog);
        // The stranger trusts the cluster's CA (so it would accept the server) but its own certificate is foreign.
        await using var client = await StartTlsAsync(foreign.Material("stranger", trusted: MergedCa(cluster, foreign)), clientLog);
        server.RegisterHandler(Verb.Test, Echo());

        var ex = await Assert.ThrowsAsync<RequestFailedException>(() => client.SendRequestAsync(server.LocalAddress, Verb.Test, Bytes("x")));

        Assert.Equal(RequestFailureReason.PeerUnreachable, ex.Reason);
        await WaitUntilAsync(() => server.Counters.HandshakesRefused >= 1, "server refused the handshake");
        await WaitUntilAsync(() => serverLog.Contains("refused the peer's TLS certificate"), "server logged the refusal");
        Assert.Contains(serverLog.Lines, l => l.Contains("CN=stranger", StringComparison.Ordinal) && l.Contains("not signed by the trusted CA", StringComparison.Ordinal));
        await WaitUntilAsync(() => clientLog.Contains("Internode TLS with"), "client logged the failed handshake");
        Assert.Equal(0, server.Counters.FramesReceived);
    }

    [Fact]
    public async Task A_server_with_a_foreign_certificate_is_refused_by_the_connecting_node()
    {
        using var cluster = new TestCertificates("cluster CA");
        using var foreign = new TestCertificates("foreign CA");
        var clientLog = new CapturingLogger();
        await using var server = await StartTlsAsync(foreign.Material("impostor", trusted: MergedCa(cluster, foreign)));
        await using var client = await StartTlsAsync(cluster.Material("client"), clientLog);
        server.RegisterHandler(Verb.Test, Echo());

        var ex = await Assert.ThrowsAsync<RequestFailedException>(() => client.SendRequestAsync(server.LocalAddress, Verb.Test, Bytes("x")));

        Assert.Equal(RequestFailureReason.PeerUnreachable, ex.Reason);
        Assert.Contains("refused the peer's TLS certificate", ex.Detail, StringComparison.Ordinal);
        Assert.True(clientLog.Contains("CN=impostor"));
    }

    [Fact]
    public async Task A_plain_tcp_node_cannot_talk_to_a_tls_node_either_way()
    {
        using var certs = new TestCertificates();
        await using var tls = await StartTlsAsync(certs.Material("tls"));
        await using var plain = await StartAsync();
        tls.RegisterHandler(Verb.Test, Echo());
        plain.RegisterHandler(Verb.Test, Echo());

        var toTls = await Assert.ThrowsAsync<RequestFailedException>(() => plain.SendRequestAsync(tls.LocalAddress, Verb.Test, Bytes("x")));
        var toPlain = await Assert.ThrowsAsync<RequestFailedException>(() => tls.SendRequestAsync(plain.LocalAddress, Verb.Test, Bytes("x")));

        Assert.Equal(RequestFailureReason.PeerUnreachable, toTls.Reason);
        Assert.Equal(RequestFailureReason.PeerUnreachable, toPlain.Reason);
        Assert.Equal(0, tls.Counters.FramesReceived);
        Assert.Equal(0, plain.Counters.FramesReceived);
    }

    private static string MergedCa(TestCertificates a, TestCertificates b)
    {
        var path = Path.Combine(b.Directory, "both-ca.pem");
        File.WriteAllText(path, File.ReadAllText(a.CaPath) + File.ReadAllText(b.CaPath)); // a bundle, as an operator would concatenate
        return path;
    }

    private static async Task<MessagingService> StartTlsAsync(TlsMaterial material, CapturingLogger? log = null)
    {
        var options = Options() with { Tls = new InternodeTls(() => material) };
        var service = new MessagingService(options, TimeProvider.System, new Random(42), log);
        await service.StartAsync(AnyLoopbackPort);
        return service;
    }

    internal sealed class CapturingLogger : ILogger<MessagingService>
    {
        private readonly ConcurrentQueue<string> _lines = new();

        public IEnumerable<string> Lines => _lines;

        public bool Contains(string text) => _lines.Any(l => l.Contains(text, StringComparison.Ordinal));

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            _lines.Enqueue($"{logLevel} {eventId.Id} {formatter(state, exception)}");
    }
}
