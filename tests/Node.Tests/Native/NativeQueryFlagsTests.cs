using System.Buffers.Binary;
using System.Text;
using RingStore.Node.Native;
using RingStore.Node.Tests.Cluster;

namespace RingStore.Node.Tests.Native;

/// <summary>
/// QUERY/EXECUTE flags over real TCP, byte for byte as a driver sends them: named values (0x40) matched by column
/// name in any order, the default timestamp (0x20) becoming the write timestamp, serial consistency (0x10) accepted,
/// and skip metadata (0x02) answered with no_metadata rows.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class NativeQueryFlagsTests(NativeNodeFixture node) : IClassFixture<NativeNodeFixture>
{
    private const byte Values = 0x01, SkipMetadata = 0x02, SerialConsistency = 0x10, DefaultTimestamp = 0x20, NamedValues = 0x40;

    [Fact]
    public async Task Named_values_default_timestamp_serial_consistency_and_skip_metadata()
    {
        await using var client = await NativeTestClient.ConnectAsync(node.Port);
        await client.StartAsync();
        await Ok(client, "CREATE KEYSPACE IF NOT EXISTS qf WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
        await Ok(client, "CREATE TABLE IF NOT EXISTS qf.t (k int PRIMARY KEY, v text)");

        // Named values in the other order than the markers, an explicit timestamp far in the future, SERIAL as the
        // serial consistency (accepted: there are no lightweight transactions for it to apply to).
        long future = DateTimeOffset.UtcNow.AddYears(50).ToUnixTimeMilliseconds() * 1000;
        await Ok(client, Insert("INSERT INTO qf.t (k, v) VALUES (?, ?)", [("v", Text("named")), ("k", Int(1))], future));
        // A later write with an older default timestamp loses to it: the timestamp really is the write's.
        await Ok(client, Insert("INSERT INTO qf.t (k, v) VALUES (?, ?)", [("k", Int(1)), ("v", Text("older"))], 1_000_000));
        var (header, rows) = await client.RequestAsync(NativeOpcode.Query, 2, NativeTestClient.QueryBody("SELECT v FROM qf.t WHERE k = 1"));
        Assert.Equal(NativeOpcode.Result, header.Opcode);
        Assert.EndsWith("named", NativeTestClient.Utf8(rows), StringComparison.Ordinal);
        Assert.DoesNotContain("older", NativeTestClient.Utf8(rows), StringComparison.Ordinal);

        // A name that is no marker's column is the client's error, not a silent drop.
        var (bad, badBody) = await client.RequestAsync(NativeOpcode.Query, 3,
            Insert("INSERT INTO qf.t (k, v) VALUES (?, ?)", [("k", Int(2)), ("nope", Text("x"))], 5));
        Assert.Equal(NativeOpcode.Error, bad.Opcode);
        Assert.Equal(NativeErrorEncoder.Invalid, NativeTestClient.Error(badBody).Code);

        // EXECUTE with skip metadata: Rows flags say no_metadata, and the row is still there.
        var (prepared, preparedBody) = await client.RequestAsync(NativeOpcode.Prepare, 4, NativeTestClient.Body(w => w.WriteLongString("SELECT v FROM qf.t WHERE k = ?")));
        Assert.Equal(NativeOpcode.Result, prepared.Opcode);
        var r = new NativeReader(preparedBody);
        Assert.Equal(4, r.ReadInt());
        byte[] id = r.ReadShortBytes();
        var (executed, executedBody) = await client.RequestAsync(NativeOpcode.Execute, 5, NativeTestClient.Body(w =>
        {
            w.WriteShortBytes(id);
            w.WriteShort(1);
            w.WriteByte(Values | SkipMetadata);
            w.WriteShort(1);
            w.WriteBytes(Int(1));
        }));
        Assert.Equal(NativeOpcode.Result, executed.Opcode);
        Assert.Equal(2, BinaryPrimitives.ReadInt32BigEndian(executedBody));
        int flags = BinaryPrimitives.ReadInt32BigEndian(executedBody.AsSpan(4));
        Assert.Equal(0x0004, flags & 0x0004);
        Assert.Equal(1, BinaryPrimitives.ReadInt32BigEndian(executedBody.AsSpan(12))); // flags, column count, then rows count
    }

    private static byte[] Insert(string cql, IReadOnlyList<(string Name, byte[] Value)> values, long timestampMicros) => NativeTestClient.Body(w =>
    {
        w.WriteLongString(cql);
        w.WriteShort(1); // ONE
        w.WriteByte(Values | NamedValues | SerialConsistency | DefaultTimestamp);
        w.WriteShort((ushort)values.Count);
        foreach (var (name, value) in values)
        {
            w.WriteString(name);
            w.WriteBytes(value);
        }
        w.WriteShort(8); // SERIAL
        w.WriteLong(timestampMicros);
    });

    private static byte[] Int(int v)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(b, v);
        return b;
    }

    private static byte[] Text(string s) => Encoding.UTF8.GetBytes(s);

    private static Task Ok(NativeTestClient client, string cql) => Ok(client, NativeTestClient.QueryBody(cql));

    private static async Task Ok(NativeTestClient client, byte[] body)
    {
        var (header, reply) = await client.RequestAsync(NativeOpcode.Query, 1, body);
        Assert.True(header.Opcode == NativeOpcode.Result, header.Opcode == NativeOpcode.Error ? NativeTestClient.Error(reply).Message : "");
    }
}
