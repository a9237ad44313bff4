using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Grpc.Net.Client;
using RingStore.Client;
using RingStore.Client.Protos;
using RingStore.Client.Tls;
using RingStore.LocalCluster;

namespace RingStore.Cluster.Tests;

/// <summary>
/// Real TLS between real node processes (issue 17): client TLS on gRPC and mutual TLS internode, with the throwaway
/// CA of <see cref="LocalClusterCertificates"/>.
/// </summary>
[Collection(ProcessClusterCollection.Name)]
public sealed class TlsClusterTests
{
    private const string Keyspace = "tls";

    [Fact]
    public async Task Three_node_tls_cluster_serves_quorum_writes_and_reads_and_refuses_clients_that_do_not_trust_its_ca()
    {
        await using var cluster = await ProcessCluster.StartAsync(3, tls: true);
        await cluster.CreateKeyspaceAsync(Keyspace, 3);
        await cluster.CreateTableAsync(KvTable.Create(Keyspace));

        for (int i = 0; i < cluster.Count; i++)
        {
            await cluster.Client(i).MutateAsync(KvTable.Write(Keyspace, i, $"v{i}", 1, Consistency.Quorum), ProcessCluster.Call());
            var read = await cluster.Client((i + 1) % cluster.Count).ReadAsync(KvTable.Read(Keyspace, i, Consistency.Quorum), ProcessCluster.Call());
            Assert.Equal($"v{i}", KvTable.Value(read));
        }

        var endpoints = Enumerable.Range(0, cluster.Count).Select(i => cluster.Node(i).Options.GrpcEndpoint).ToList();
        await using (var sdk = await RingStoreClient.ConnectAsync(new RingStoreClientOptions
        {
            ContactPoints = endpoints,
            CaFile = cluster.Options.CaFile,
            DefaultConsistency = Consistency.Quorum,
        }))
        {
            await sdk.ExecuteAsync($"INSERT INTO {Keyspace}.kv (k, v) VALUES (100, 'sdk')");
            var rows = await sdk.ExecuteAsync($"SELECT v FROM {Keyspace}.kv WHERE k = 100");
            Assert.Equal("sdk", Assert.Single(rows.Rows)["v"]);
        }

        // The CLI with --ca (and --host, so it cannot find the CA by itself).
        using (var shell = new RingstoreCommand("shell", "--host", endpoints[0], "--ca", cluster.Options.CaFile!, "-e", $"SELECT v FROM {Keyspace}.kv WHERE k = 100"))
        {
            Assert.True(await shell.WaitForExitAsync(ProcessCluster.Patience) == 0, shell.ToString());
            Assert.Contains("sdk", shell.Stdout, StringComparison.Ordinal);
        }

        // Plain HTTP/2 to a TLS port: no answer.
        using (var plain = GrpcChannel.ForAddress($"http://{endpoints[0]}"))
        {
            await Assert.ThrowsAsync<RpcException>(async () =>
                await new RingStoreApi.RingStoreApiClient(plain).DescribeRingAsync(new DescribeRingRequest(), ProcessCluster.Call(5)));
        }

        // The SDK without a CA against the TLS port: the error says to pass one.
        var plainSdk = await Assert.ThrowsAsync<RingStoreException>(() => RingStoreClient.ConnectAsync(new RingStoreClientOptions { ContactPoints = endpoints }));
        Assert.Contains("--ca FILE", plainSdk.Message, StringComparison.Ordinal);

        // TLS trusting another CA: the node's certificate is refused by the client.
        var otherCa = Path.Combine(cluster.Options.DataRoot, "other-ca.pem");
        using (var other = DevCertificateAuthority.Create("some other CA", DateTimeOffset.UtcNow, TimeSpan.FromDays(1))) other.WriteCa(otherCa);
        var refused = await Assert.ThrowsAsync<RingStoreException>(() => RingStoreClient.ConnectAsync(new RingStoreClientOptions
        {
            ContactPoints = endpoints,
            CaFile = otherCa,
        }));
        Assert.Contains("No contact point answered", refused.Message, StringComparison.Ordinal);
        Assert.Contains("does not chain to the CA given", refused.Message, StringComparison.Ordinal);

        for (int i = 0; i < cluster.Count; i++)
        {
            var log = cluster.Log(i);
            Assert.Contains("TLS for internode: using certificate 'CN=ringstore-node", log, StringComparison.Ordinal);
            Assert.Contains("TLS for clients: using certificate", log, StringComparison.Ordinal);
            Assert.DoesNotContain("Internode TLS with", log, StringComparison.Ordinal); // no refusal inside the cluster
        }
    }

    [Fact]
    public async Task A_node_with_a_certificate_from_another_ca_cannot_join_and_both_sides_log_why()
    {
        await using var cluster = await ProcessCluster.StartAsync(3, tls: true);
        var foreignDir = Path.Combine(cluster.Options.DataRoot, "foreign-tls");
        LocalClusterCertificates.Ensure(foreignDir, 0, "127.0.0.1"); // its own CA, its own node certificate
        using var stranger = new ExtraNode(cluster, "stranger", LocalClusterCertificates.Settings(foreignDir, 0, new Dictionary<string, string>()),
            caFile: Path.Combine(foreignDir, LocalClusterCertificates.CaFileName));
        stranger.Start();

        await ProcessCluster.WaitUntilAsync(() => Task.FromResult(cluster.Log(0).Contains("refused the peer's TLS certificate", StringComparison.Ordinal)),
            "the seed logs that it refused the stranger's certificate");
        Assert.Contains("not signed by the trusted CA", cluster.Log(0), StringComparison.Ordinal);
        await ProcessCluster.WaitUntilAsync(() => Task.FromResult(stranger.Log().Contains("Internode TLS with", StringComparison.Ordinal)),
            "the stranger logs its failed internode handshake");

        // Refused, not joined: no member ever lists it, and it never learnt the cluster's ring.
        for (int i = 0; i < cluster.Count; i++)
        {
            var ring = await cluster.Client(i).DescribeRingAsync(new DescribeRingRequest(), ProcessCluster.Call());
            Assert.DoesNotContain(ring.Nodes, n => n.Endpoint == stranger.Endpoint);
            Assert.Equal(3, ring.Nodes.Count);
        }
    }

    [Fact]
    public async Task Certificate_rotation_with_sighup_keeps_the_cluster_serving_without_a_restart()
    {
        await using var cluster = await ProcessCluster.StartAsync(3, tls: true);
        await cluster.CreateKeyspaceAsync(Keyspace, 3);
        await cluster.CreateTableAsync(KvTable.Create(Keyspace));
        var dir = cluster.Options.TlsDirectory;
        var before = Enumerable.Range(0, cluster.Count).Select(i => ServedThumbprint(cluster.Node(i).Options)).ToArray();
        var pids = Enumerable.Range(0, cluster.Count).Select(i => cluster.Node(i).Pid!.Value).ToArray();

        using var stop = new CancellationTokenSource();
        long written = 0;
        var load = Task.Run(async () =>
        {
            for (long k = 1000; !stop.IsCancellationRequested; k++)
            {
                await cluster.Client((int)(k % cluster.Count)).MutateAsync(KvTable.Write(Keyspace, k, "during", 1, Consistency.Quorum), ProcessCluster.Call());
                Interlocked.Increment(ref written);
            }
        });

        // New certificates from the same CA for every node, then SIGHUP: each node reloads without restarting.
        using (var ca = DevCertificateAuthority.Load(Path.Combine(dir, LocalClusterCertificates.CaFileName), Path.Combine(dir, LocalClusterCertificates.CaKeyFileName)))
        {
            for (int i = 0; i < cluster.Count; i++) LocalClusterCertificates.IssueNode(ca, dir, i, "127.0.0.1", DateTimeOffset.UtcNow);
        }
        foreach (int pid in pids) Signals.Hangup(pid);

        for (int i = 0; i < cluster.Count; i++)
        {
            int node = i;
            var expected = X509Certificate2.CreateFromPem(File.ReadAllText(LocalClusterCertificates.CertificatePath(dir, node))).Thumbprint;
            await ProcessCluster.WaitUntilAsync(() => Task.FromResult(ServedThumbprint(cluster.Node(node).Options) == expected),
                $"node {node} serves its new certificate to new client connections");
            Assert.NotEqual(before[node], expected);
            Assert.Contains($"TLS for internode: reloaded, new connections use certificate 'CN=ringstore-node{node}' (thumbprint {expected}", cluster.Log(node), StringComparison.Ordinal);
        }

        // New internode connections use the new certificates: a node restarted now handshakes with the reloaded peers.
        long beforeRestart = Interlocked.Read(ref written);
        await ProcessCluster.WaitUntilAsync(() => Task.FromResult(Interlocked.Read(ref written) > beforeRestart + 20), "QUORUM writes go on after the reload");
        await stop.CancelAsync();
        await load;
        for (int i = 0; i < cluster.Count; i++) Assert.Equal(pids[i], cluster.Node(i).Pid); // nobody restarted
        await cluster.StopAsync(2);
        await cluster.RestartAsync(2, expectedUp: 3);
        var read = await cluster.Client(2).ReadAsync(KvTable.Read(Keyspace, 1000, Consistency.All), ProcessCluster.Call());
        Assert.Equal("during", KvTable.Value(read));
        Assert.DoesNotContain("Internode TLS with", cluster.Log(0), StringComparison.Ordinal);
    }

    /// <summary>The thumbprint of the certificate a node's gRPC port presents to a new TLS connection.</summary>
    private static string? ServedThumbprint(NodeProcessOptions node)
    {
        using var tcp = new TcpClient();
        tcp.Connect(node.ListenAddress, node.GrpcPort);
        string? thumbprint = null;
        using var ssl = new SslStream(tcp.GetStream(), false, (_, certificate, _, _) =>
        {
            thumbprint = certificate is null ? null : X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()).Thumbprint;
            return true;
        });
        ssl.AuthenticateAsClient(new SslClientAuthenticationOptions { TargetHost = "localhost", ApplicationProtocols = [SslApplicationProtocol.Http2] });
        return thumbprint;
    }
}
