using System.Buffers.Binary;
using RingStore.Node.Native;
using RingStore.Node.Tests.Cluster;

namespace RingStore.Node.Tests.Native;

/// <summary>
/// PER PARTITION LIMIT and the merged IN + ORDER BY top-N over the native protocol, as a driver sends them: a prepared
/// statement whose PER PARTITION LIMIT and LIMIT are bind markers (named [per_partition_limit] and [limit] in the
/// prepared metadata), executed with a page size and the paging state handed back; a range scan paged one row at a time.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class NativePerPartitionLimitTests(NativeNodeFixture node) : IClassFixture<NativeNodeFixture>
{
    private const byte Values = 0x01, PageSize = 0x04, WithPagingState = 0x08;

    [Fact]
    public async Task Prepared_per_partition_limit_top_n_pages_over_the_native_protocol()
    {
        await using var client = await NativeTestClient.ConnectAsync(node.Port);
        await client.StartAsync();
        await Ok(client, "CREATE KEYSPACE IF NOT EXISTS pp WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
        await Ok(client, "CREATE TABLE IF NOT EXISTS pp.t (k int, c int, v int, PRIMARY KEY (k, c))");
        for (int k = 0; k < 3; k++)
            for (int c = 0; c < 5; c++)
                await Ok(client, $"INSERT INTO pp.t (k, c, v) VALUES ({k}, {c}, {k * 10 + c})");

        var (prepared, preparedBody) = await client.RequestAsync(NativeOpcode.Prepare, 2, NativeTestClient.Body(w =>
            w.WriteLongString("SELECT k, c FROM pp.t WHERE k IN (?, ?) ORDER BY c DESC PER PARTITION LIMIT ? LIMIT ?")));
        Assert.Equal(NativeOpcode.Result, prepared.Opcode);
        Assert.Contains("[per_partition_limit]", NativeTestClient.Utf8(preparedBody), StringComparison.Ordinal);
        var r = new NativeReader(preparedBody);
        Assert.Equal(4, r.ReadInt());
        byte[] id = r.ReadShortBytes();

        var rows = new List<(int K, int C)>();
        byte[]? paging = null;
        int pages = 0;
        do
        {
            var state = paging;
            var (executed, body) = await client.RequestAsync(NativeOpcode.Execute, 3, NativeTestClient.Body(w =>
            {
                w.WriteShortBytes(id);
                w.WriteShort(1);
                w.WriteByte((byte)(Values | PageSize | (state is null ? 0 : WithPagingState)));
                w.WriteShort(4);
                foreach (int v in new[] { 0, 2, 2, 3 }) w.WriteBytes(Int(v));
                w.WriteInt(2);
                if (state is not null) w.WriteBytes(state);
            }));
            Assert.True(executed.Opcode == NativeOpcode.Result, executed.Opcode == NativeOpcode.Error ? NativeTestClient.Error(body).Message : "");
            (var page, paging) = IntRows(body);
            Assert.True(page.Count <= 2);
            rows.AddRange(page);
            Assert.True(++pages < 10, "paging does not end");
        }
        while (paging is not null);
        // Two rows from each of partitions 0 and 2, merged by c descending (ties in IN order), the first three.
        Assert.Equal([(0, 4), (2, 4), (0, 3)], rows);

        // A range scan, one row per partition, paged one row at a time with QUERY.
        var scanned = new List<(int K, int C)>();
        paging = null;
        do
        {
            var state = paging;
            var (reply, body) = await client.RequestAsync(NativeOpcode.Query, 4, NativeTestClient.Body(w =>
            {
                w.WriteLongString("SELECT k, c FROM pp.t PER PARTITION LIMIT 1");
                w.WriteShort(1);
                w.WriteByte((byte)(PageSize | (state is null ? 0 : WithPagingState)));
                w.WriteInt(1);
                if (state is not null) w.WriteBytes(state);
            }));
            Assert.True(reply.Opcode == NativeOpcode.Result, reply.Opcode == NativeOpcode.Error ? NativeTestClient.Error(body).Message : "");
            (var page, paging) = IntRows(body);
            scanned.AddRange(page);
            Assert.True(scanned.Count < 10, "paging does not end");
        }
        while (paging is not null);
        Assert.Equal([0, 1, 2], scanned.Select(x => x.K).Order());
        Assert.All(scanned, x => Assert.Equal(0, x.C));

        // A zero limit through a marker is the client's error.
        var (bad, badBody) = await client.RequestAsync(NativeOpcode.Execute, 5, NativeTestClient.Body(w =>
        {
            w.WriteShortBytes(id);
            w.WriteShort(1);
            w.WriteByte(Values);
            w.WriteShort(4);
            foreach (int v in new[] { 0, 2, 0, 3 }) w.WriteBytes(Int(v));
        }));
        Assert.Equal(NativeOpcode.Error, bad.Opcode);
        Assert.Equal(NativeErrorEncoder.Invalid, NativeTestClient.Error(badBody).Code);
        Assert.Contains("PER PARTITION LIMIT must be strictly positive", NativeTestClient.Error(badBody).Message, StringComparison.Ordinal);
    }

    /// <summary>A ROWS result of two int columns: its rows and its paging state (null on the last page).</summary>
    private static (List<(int, int)> Rows, byte[]? Paging) IntRows(byte[] body)
    {
        var r = new NativeReader(body);
        Assert.Equal(2, r.ReadInt());
        int flags = r.ReadInt();
        int columns = r.ReadInt();
        Assert.Equal(2, columns);
        byte[]? paging = (flags & 0x0002) != 0 ? r.ReadBytes() : null;
        if ((flags & 0x0004) == 0)
        {
            bool global = (flags & 0x0001) != 0;
            if (global)
            {
                r.ReadString();
                r.ReadString();
            }
            for (int i = 0; i < columns; i++)
            {
                if (!global)
                {
                    r.ReadString();
                    r.ReadString();
                }
                r.ReadString();
                Assert.Equal(0x0009, r.ReadUShort()); // int
            }
        }
        int count = r.ReadInt();
        var rows = new List<(int, int)>();
        for (int i = 0; i < count; i++)
            rows.Add((BinaryPrimitives.ReadInt32BigEndian(r.ReadBytes()), BinaryPrimitives.ReadInt32BigEndian(r.ReadBytes())));
        return (rows, paging);
    }

    private static byte[] Int(int v)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(b, v);
        return b;
    }

    private static async Task Ok(NativeTestClient client, string cql)
    {
        var (header, reply) = await client.RequestAsync(NativeOpcode.Query, 1, NativeTestClient.QueryBody(cql));
        Assert.True(header.Opcode == NativeOpcode.Result, header.Opcode == NativeOpcode.Error ? NativeTestClient.Error(reply).Message : "");
    }
}
