using CsCheck;
using RingStore.Core.Schema;
using RingStore.Node.Native;
using RingStore.Node.Tests.Cluster;

namespace RingStore.Node.Tests.Native;

/// <summary>
/// The prepared-INSERT fast path on a real node over real TCP, against the slow path: the same random row (every
/// column type; sometimes null, unset, wrong-size, invalid-UTF-8 or out-of-range values) is written by a prepared
/// EXECUTE into one table (the fast path) and by a QUERY with the same values into a twin table (always the
/// executor). The two replies are the same frame (Void, or the same ERROR code and message), and reading the row back
/// from each table with a prepared SELECT (skip metadata, so the table name is not in the body) gives the same bytes.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class NativeFastInsertTests(NativeNodeFixture node) : IClassFixture<NativeNodeFixture>
{
    private const byte ValuesFlag = 0x01, SkipMetadata = 0x02;

    private static readonly (string Name, ColumnType Type)[] Regular =
    [
        ("v_bigint", ColumnType.BigInt), ("v_int", ColumnType.Int), ("v_text", ColumnType.Text), ("v_blob", ColumnType.Blob),
        ("v_bool", ColumnType.Boolean), ("v_double", ColumnType.Double), ("v_ts", ColumnType.Timestamp), ("v_uuid", ColumnType.Uuid),
        ("v_tuuid", ColumnType.TimeUuid),
    ];

    [Fact]
    public async Task Prepared_insert_replies_and_stores_exactly_as_the_executor()
    {
        await using var client = await NativeTestClient.ConnectAsync(node.Port);
        await client.StartAsync();
        await Ok(client, "CREATE KEYSPACE IF NOT EXISTS nf WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
        string columns = string.Join(", ", Regular.Select(c => $"{c.Name} {c.Type.ToString().ToLowerInvariant()}"));
        foreach (string t in new[] { "fast", "slow" })
            await Ok(client, $"CREATE TABLE IF NOT EXISTS nf.{t} (k int, c text, d uuid, {columns}, PRIMARY KEY ((k, c), d))");
        string names = "k, c, d, " + string.Join(", ", Regular.Select(c => c.Name));
        string marks = string.Join(", ", Enumerable.Repeat("?", 3 + Regular.Length));
        byte[] insertFast = await Prepare(client, $"INSERT INTO nf.fast ({names}) VALUES ({marks})");
        string insertSlow = $"INSERT INTO nf.slow ({names}) VALUES ({marks})";
        byte[] selectFast = await Prepare(client, "SELECT * FROM nf.fast WHERE k = ? AND c = ?");
        byte[] selectSlow = await Prepare(client, "SELECT * FROM nf.slow WHERE k = ? AND c = ?");

        var types = new[] { ColumnType.Int, ColumnType.Text, ColumnType.Uuid }.Concat(Regular.Select(c => c.Type)).ToArray();
        var rowGen = Gen.Int.Select(k => new NativeValue(Int(k), false)); // a distinct partition per row
        var cases = new List<NativeValue[]>();
        Gen.Select(rowGen, Row(types.Skip(1).ToArray())).Sample((k, rest) => cases.Add([k, .. rest]), iter: 80, threads: 1);

        int ok = 0, errors = 0;
        short stream = 10;
        foreach (var values in cases)
        {
            string shown = string.Join(" ", values.Select(v => v.IsUnset ? "unset" : v.Bytes is null ? "null" : Convert.ToHexString(v.Bytes)));
            var fast = await client.RequestAsync(NativeOpcode.Execute, stream++, NativeTestClient.Body(w =>
            {
                w.WriteShortBytes(insertFast);
                Parameters(w, values, 0);
            }));
            var slow = await client.RequestAsync(NativeOpcode.Query, stream++, NativeTestClient.Body(w =>
            {
                w.WriteLongString(insertSlow);
                Parameters(w, values, 0);
            }));
            Assert.True(fast.Header.Opcode == slow.Header.Opcode, $"{fast.Header.Opcode} vs {slow.Header.Opcode} for {shown}: {NativeTestClient.Utf8(fast.Body)} / {NativeTestClient.Utf8(slow.Body)}");
            Assert.Equal(Convert.ToHexString(slow.Body), Convert.ToHexString(fast.Body));
            if (fast.Header.Opcode == NativeOpcode.Error)
            {
                errors++;
                continue;
            }
            ok++;
            var key = new[] { values[0], values[1] };
            var readFast = await client.RequestAsync(NativeOpcode.Execute, stream++, NativeTestClient.Body(w =>
            {
                w.WriteShortBytes(selectFast);
                Parameters(w, key, SkipMetadata);
            }));
            var readSlow = await client.RequestAsync(NativeOpcode.Execute, stream++, NativeTestClient.Body(w =>
            {
                w.WriteShortBytes(selectSlow);
                Parameters(w, key, SkipMetadata);
            }));
            Assert.Equal(NativeOpcode.Result, readFast.Header.Opcode);
            Assert.Equal(Convert.ToHexString(readSlow.Body), Convert.ToHexString(readFast.Body));
            if (stream > 30_000) stream = 10;
        }
        Assert.True(ok > 10, $"{ok} rows written");
        Assert.True(errors > 5, $"{errors} errors");
    }

    /// <summary>A row's values: each column's mostly valid, sometimes a bad one (errors are compared too).</summary>
    private static Gen<NativeValue[]> Row(ColumnType[] types)
    {
        var all = Gen.Const(Array.Empty<NativeValue>());
        foreach (var type in types)
        {
            var g = Gen.Frequency((12, NativeInsertPlanTests.Valid(type).Select(b => new NativeValue(b, false))), (1, NativeInsertPlanTests.ValueGen(type)));
            all = from a in all from v in g select a.Append(v).ToArray();
        }
        return all;
    }

    private static void Parameters(NativeWriter w, IReadOnlyList<NativeValue> values, byte flags)
    {
        w.WriteShort(4); // QUORUM
        w.WriteByte((byte)(ValuesFlag | flags));
        w.WriteShort((ushort)values.Count);
        foreach (var v in values)
        {
            if (v.IsUnset) w.WriteInt(-2);
            else if (v.Bytes is null) w.WriteInt(-1);
            else w.WriteBytes(v.Bytes);
        }
    }

    private static async Task<byte[]> Prepare(NativeTestClient client, string cql)
    {
        var (header, body) = await client.RequestAsync(NativeOpcode.Prepare, 2, NativeTestClient.Body(w => w.WriteLongString(cql)));
        Assert.True(header.Opcode == NativeOpcode.Result, NativeTestClient.Utf8(body));
        var r = new NativeReader(body);
        Assert.Equal(4, r.ReadInt());
        return r.ReadShortBytes();
    }

    private static async Task Ok(NativeTestClient client, string cql)
    {
        var (header, body) = await client.RequestAsync(NativeOpcode.Query, 1, NativeTestClient.QueryBody(cql));
        Assert.True(header.Opcode == NativeOpcode.Result, NativeTestClient.Utf8(body));
    }

    private static byte[] Int(int v)
    {
        var b = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(b, v);
        return b;
    }
}
