using RingStore.Node.Native;
using RingStore.Node.Tests.Cluster;

namespace RingStore.Node.Tests.Native;

/// <summary>
/// Client warnings on the native protocol, against a real node over real TCP: a request the node warns about (a
/// multi-partition batch over the 5 KiB batch_size_warn_threshold) gets its RESULT with the Warning flag and the
/// warnings as a [string list] before the result body (protocol v4 spec, section 2.2); a plain request gets neither.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class NativeWarningsTests(NativeNodeFixture node) : IClassFixture<NativeNodeFixture>
{
    [Fact]
    public async Task A_batch_over_the_warn_threshold_comes_back_with_the_warning_flag_and_the_warning()
    {
        await using var client = await NativeTestClient.ConnectAsync(node.Port);
        await client.StartAsync();
        await Ok(client, "CREATE KEYSPACE IF NOT EXISTS natwarn WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
        await Ok(client, "CREATE TABLE IF NOT EXISTS natwarn.kv (k int PRIMARY KEY, v text)");

        var (plain, plainBody) = await client.RequestAsync(NativeOpcode.Query, 2, NativeTestClient.QueryBody("INSERT INTO natwarn.kv (k, v) VALUES (1, 'small')"));
        Assert.Equal(NativeOpcode.Result, plain.Opcode);
        Assert.Equal(0, plain.Flags & NativeFrameHeader.WarningFlag);
        Assert.Equal(1, NativeTestClient.ResultKind(plainBody)); // Void, nothing before it

        string big = new('x', 3000);
        string batch = $"BEGIN UNLOGGED BATCH INSERT INTO natwarn.kv (k, v) VALUES (10, '{big}'); INSERT INTO natwarn.kv (k, v) VALUES (11, '{big}'); APPLY BATCH";
        var (warned, body) = await client.RequestAsync(NativeOpcode.Query, 3, NativeTestClient.QueryBody(batch));
        Assert.Equal(NativeOpcode.Result, warned.Opcode);
        Assert.NotEqual(0, warned.Flags & NativeFrameHeader.WarningFlag);
        var (warnings, kind) = Read(body);
        var warning = Assert.Single(warnings);
        Assert.Contains("Batch for [natwarn.kv] is of size", warning, StringComparison.Ordinal);
        Assert.Contains("exceeding specified threshold of 5", warning, StringComparison.Ordinal);
        Assert.Equal(1, kind); // Void after the warnings

        var (_, rows) = await client.RequestAsync(NativeOpcode.Query, 4, NativeTestClient.QueryBody("SELECT v FROM natwarn.kv WHERE k = 11"));
        Assert.Contains(big, NativeTestClient.Utf8(rows), StringComparison.Ordinal); // the warned batch was applied
    }

    private static (IReadOnlyList<string> Warnings, int Kind) Read(byte[] body)
    {
        var r = new NativeReader(body);
        var warnings = r.ReadStringList();
        return (warnings, r.ReadInt());
    }

    private static async Task Ok(NativeTestClient client, string cql)
    {
        var (header, body) = await client.RequestAsync(NativeOpcode.Query, 1, NativeTestClient.QueryBody(cql));
        Assert.True(header.Opcode == NativeOpcode.Result, header.Opcode == NativeOpcode.Error ? NativeTestClient.Error(body).Message : "");
    }
}
