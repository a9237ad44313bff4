using System.Net.Sockets;

namespace RingStore.Cluster.Tests;

/// <summary>
/// Bad bytes on a node process's internode port: garbage, a Hello of another protocol version or cluster, a broken
/// frame after a good Hello. The node closes that one connection, logs why in node.log, and keeps serving: its peers
/// stay up and gRPC requests still succeed.
/// </summary>
[Collection(ProcessClusterCollection.Name)]
public sealed class InternodeBadInputTests(BadInputClusterFixture fixture) : IClassFixture<BadInputClusterFixture>
{
    private ProcessCluster Cluster => fixture.Cluster;

    [Fact]
    public async Task An_absurd_frame_length_closes_the_connection_and_is_logged()
    {
        // 0xDEADBEEF as a length prefix, then noise: refused from the prefix alone, before buffering a body.
        var random = new Random(42);
        var bytes = new byte[64];
        random.NextBytes(bytes);
        bytes[0] = 0xDE; bytes[1] = 0xAD; bytes[2] = 0xBE; bytes[3] = 0xEF;
        await SendAndExpectCloseAsync(0, bytes);
        await AssertLoggedAsync(0, "bad frame: in hello: frame length 3735928559 outside");
        await fixture.AssertServesAsync(0);
    }

    [Fact]
    public async Task A_frame_that_is_not_a_Hello_closes_the_connection_and_is_logged()
    {
        await SendAndExpectCloseAsync(1, InternodeFrames.Frame([0x01, 0x02, 0x03]));
        await AssertLoggedAsync(1, "bad frame: in hello:");
        await fixture.AssertServesAsync(1);
    }

    [Fact]
    public async Task A_Hello_of_another_protocol_version_is_refused_and_logged()
    {
        await SendAndExpectCloseAsync(2, InternodeFrames.Hello(99, Cluster.Options.ClusterName));
        await AssertLoggedAsync(2, $"protocol version 99 is not supported (this node speaks {InternodeFrames.CurrentProtocolVersion})");
        await fixture.AssertServesAsync(2);
    }

    [Fact]
    public async Task A_Hello_from_another_cluster_is_refused_and_logged()
    {
        await SendAndExpectCloseAsync(0, InternodeFrames.Hello(InternodeFrames.CurrentProtocolVersion, "intruder"));
        await AssertLoggedAsync(0, $"cluster name 'intruder' differs from ours '{Cluster.Options.ClusterName}'");
        await fixture.AssertServesAsync(0);
    }

    [Fact]
    public async Task Garbage_after_a_good_Hello_closes_the_connection_and_is_logged()
    {
        byte[] bytes = [.. InternodeFrames.Hello(InternodeFrames.CurrentProtocolVersion, Cluster.Options.ClusterName), .. InternodeFrames.GarbageEnvelope()];
        await SendAndExpectCloseAsync(1, bytes);
        await AssertLoggedAsync(1, "bad frame: undecodable envelope");
        await fixture.AssertServesAsync(1);
    }

    /// <summary>Sends the bytes, then reads (the node's own Hello may come first) until the node closes the connection.</summary>
    private async Task SendAndExpectCloseAsync(int node, byte[] bytes)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync("127.0.0.1", Cluster.Node(node).Options.InternodePort);
        await socket.SendAsync(bytes);
        using var timeout = new CancellationTokenSource(ProcessCluster.Patience);
        var buffer = new byte[4096];
        try
        {
            while (await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token) > 0)
            {
            }
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            // Closed with unread bytes pending: a reset is a close too.
        }
    }

    /// <summary>The console logger writes asynchronously, so the line may land a moment after the close.</summary>
    private Task AssertLoggedAsync(int node, string reason) =>
        ProcessCluster.WaitUntilAsync(() => Task.FromResult(Cluster.Log(node).Contains(reason, StringComparison.Ordinal)),
            $"node{node}'s log says \"{reason}\"");
}
