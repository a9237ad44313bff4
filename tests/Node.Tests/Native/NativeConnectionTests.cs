using System.Buffers.Binary;
using System.Text;
using RingStore.Node.Native;
using RingStore.Node.Tests.Cluster;

namespace RingStore.Node.Tests.Native;

/// <summary>
/// The native listener of a real node over real TCP: handshake, version refusal, oversize frames, many streams in
/// flight on one connection, error codes and bodies, LZ4 frames.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class NativeConnectionTests(NativeNodeFixture node) : IClassFixture<NativeNodeFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Options_Startup_and_a_system_local_query()
    {
        await using var client = await NativeTestClient.ConnectAsync(node.Port);
        var (supported, body) = await client.RequestAsync(NativeOpcode.Options, 3, []);
        Assert.Equal(NativeOpcode.Supported, supported.Opcode);
        Assert.Equal(3, supported.Stream);
        Assert.Contains("CQL_VERSION", NativeTestClient.Utf8(body), StringComparison.Ordinal);
        Assert.DoesNotContain("snappy", NativeTestClient.Utf8(body), StringComparison.Ordinal);

        var (early, earlyBody) = await client.RequestAsync(NativeOpcode.Query, 4, NativeTestClient.QueryBody("SELECT * FROM system.local"));
        Assert.Equal(NativeOpcode.Error, early.Opcode);
        Assert.Equal(NativeErrorEncoder.ProtocolError, NativeTestClient.Error(earlyBody).Code);

        await client.StartAsync();
        var (result, rows) = await client.RequestAsync(NativeOpcode.Query, 5, NativeTestClient.QueryBody("SELECT * FROM system.local WHERE key = 'local'"));
        Assert.Equal(NativeOpcode.Result, result.Opcode);
        Assert.Equal(2, NativeTestClient.ResultKind(rows));
        Assert.Contains("org.apache.cassandra.dht.Murmur3Partitioner", NativeTestClient.Utf8(rows), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(0x42)]
    [InlineData(3)]
    public async Task Other_protocol_versions_get_the_error_drivers_downgrade_on_then_the_connection_closes(byte version)
    {
        await using var client = await NativeTestClient.ConnectAsync(node.Port);
        await client.SendAsync(NativeTestClient.Frame(NativeOpcode.Startup, 0, NativeTestClient.StartupBody(), version));
        var reply = await client.ReadAsync(Wait);
        Assert.NotNull(reply);
        Assert.Equal(NativeFrame.ResponseVersion, reply.Value.Header.Version);
        var (code, message) = NativeTestClient.Error(reply.Value.Body);
        Assert.Equal(NativeErrorEncoder.ProtocolError, code);
        Assert.Contains("unsupported protocol version", message, StringComparison.Ordinal);
        Assert.Null(await client.ReadAsync(Wait));
    }

    [Fact]
    public async Task A_frame_declaring_more_than_the_limit_is_refused_at_once_without_waiting_for_its_body()
    {
        await using var client = await NativeTestClient.ConnectAsync(node.Port);
        var header = new byte[NativeFrameHeader.Size];
        new NativeFrameHeader(4, 0, 9, NativeOpcode.Query, 256 * 1024 * 1024).Write(header);
        await client.SendAsync(header);
        var reply = await client.ReadAsync(Wait);
        Assert.NotNull(reply);
        Assert.Equal(9, reply.Value.Header.Stream);
        Assert.Equal(NativeErrorEncoder.ProtocolError, NativeTestClient.Error(reply.Value.Body).Code);
        Assert.Null(await client.ReadAsync(Wait));
    }

    [Fact]
    public async Task Many_requests_in_flight_on_one_connection_are_each_answered_on_their_stream()
    {
        await using var client = await NativeTestClient.ConnectAsync(node.Port);
        await client.StartAsync();
        await Ddl(client, "CREATE KEYSPACE IF NOT EXISTS nat WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
        await Ddl(client, "CREATE TABLE IF NOT EXISTS nat.kv (k int PRIMARY KEY, v text)");

        const int count = 300;
        var frames = Enumerable.Range(1, count)
            .SelectMany(i => NativeTestClient.Frame(NativeOpcode.Query, (short)i,
                NativeTestClient.QueryBody(i % 3 == 0 ? "SELEKT oops" : $"INSERT INTO nat.kv (k, v) VALUES ({i}, 'v{i}')")))
            .ToArray();
        await client.SendAsync(frames); // all at once, before reading any answer
        var answered = new Dictionary<int, NativeOpcode>();
        for (int n = 0; n < count; n++)
        {
            var reply = await client.ReadAsync(Wait) ?? throw new IOException("closed");
            answered.Add(reply.Header.Stream, reply.Header.Opcode);
        }
        Assert.Equal(Enumerable.Range(1, count), answered.Keys.Order());
        Assert.All(answered, a => Assert.Equal(a.Key % 3 == 0 ? NativeOpcode.Error : NativeOpcode.Result, a.Value));

        var (_, rows) = await client.RequestAsync(NativeOpcode.Query, 1, NativeTestClient.QueryBody("SELECT v FROM nat.kv WHERE k = 299"));
        Assert.Contains("v299", NativeTestClient.Utf8(rows), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Errors_carry_their_codes_and_fields()
    {
        await using var client = await NativeTestClient.ConnectAsync(node.Port);
        await client.StartAsync();
        Assert.Equal(NativeErrorEncoder.SyntaxError, await ErrorCode(client, "SELEKT * FROM x"));
        Assert.Equal(NativeErrorEncoder.Invalid, await ErrorCode(client, "SELECT * FROM nosuchks.t"));
        await Ddl(client, "CREATE KEYSPACE IF NOT EXISTS dup WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
        var (_, exists) = await client.RequestAsync(NativeOpcode.Query, 2,
            NativeTestClient.QueryBody("CREATE KEYSPACE dup WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}"));
        var r = new NativeReader(exists);
        Assert.Equal(NativeErrorEncoder.AlreadyExists, r.ReadInt());
        r.ReadString();
        Assert.Equal("dup", r.ReadString());

        byte[] id = Enumerable.Range(0, 16).Select(i => (byte)i).ToArray();
        var (_, unprepared) = await client.RequestAsync(NativeOpcode.Execute, 3, NativeTestClient.Body(w =>
        {
            w.WriteShortBytes(id);
            w.WriteShort(1);
            w.WriteByte(0);
        }));
        r = new NativeReader(unprepared);
        Assert.Equal(NativeErrorEncoder.Unprepared, r.ReadInt());
        r.ReadString();
        Assert.Equal(id, r.ReadShortBytes());

        await Ddl(client, "CREATE TABLE IF NOT EXISTS dup.t (k int PRIMARY KEY)");
        var (_, serial) = await client.RequestAsync(NativeOpcode.Query, 4, NativeTestClient.QueryBody("SELECT * FROM dup.t WHERE k = 1", consistency: 8));
        Assert.Equal(NativeErrorEncoder.Invalid, NativeTestClient.Error(serial).Code);
        Assert.Contains("SERIAL", NativeTestClient.Error(serial).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lz4_compressed_frames_both_ways_once_asked_for()
    {
        await using var client = await NativeTestClient.ConnectAsync(node.Port);
        var (ready, _) = await client.RequestAsync(NativeOpcode.Startup, 0, NativeTestClient.StartupBody("lz4"));
        Assert.Equal(NativeOpcode.Ready, ready.Opcode);
        Assert.Equal(0, ready.Flags & NativeFrameHeader.CompressionFlag);

        var query = NativeTestClient.Frame(NativeOpcode.Query, 7, NativeTestClient.QueryBody("SELECT release_version FROM system.local"));
        await client.SendAsync(NativeLz4.CompressFrame(query));
        var reply = await client.ReadAsync(Wait) ?? throw new IOException("closed");
        Assert.NotEqual(0, reply.Header.Flags & NativeFrameHeader.CompressionFlag);
        byte[] body = NativeLz4.Decompress(reply.Body, NativeConnection.MaxFrameBodyBytes);
        Assert.Equal(2, NativeTestClient.ResultKind(body));
        Assert.Contains("4.0.0-ringstore", Encoding.UTF8.GetString(body), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Snappy_is_refused()
    {
        await using var client = await NativeTestClient.ConnectAsync(node.Port);
        var (reply, body) = await client.RequestAsync(NativeOpcode.Startup, 0, NativeTestClient.StartupBody("snappy"));
        Assert.Equal(NativeOpcode.Error, reply.Opcode);
        Assert.Equal(NativeErrorEncoder.ProtocolError, NativeTestClient.Error(body).Code);
    }

    [Fact]
    public async Task A_connection_registered_for_schema_changes_is_pushed_an_event_on_stream_minus_one()
    {
        await using var listener = await NativeTestClient.ConnectAsync(node.Port);
        await listener.StartAsync();
        var (ready, _) = await listener.RequestAsync(NativeOpcode.Register, 1, NativeTestClient.Body(w => w.WriteStringList(["SCHEMA_CHANGE", "STATUS_CHANGE"])));
        Assert.Equal(NativeOpcode.Ready, ready.Opcode);

        await using var other = await NativeTestClient.ConnectAsync(node.Port);
        await other.StartAsync();
        string keyspace = "evt" + Guid.NewGuid().ToString("N")[..8];
        await Ddl(other, $"CREATE KEYSPACE {keyspace} WITH replication = {{'class': 'SimpleStrategy', 'replication_factor': 1}}");

        var pushed = await listener.ReadAsync(Wait) ?? throw new IOException("closed");
        Assert.Equal(NativeOpcode.Event, pushed.Header.Opcode);
        Assert.Equal(-1, pushed.Header.Stream);
        var r = new NativeReader(pushed.Body);
        Assert.Equal(["SCHEMA_CHANGE", "CREATED", "KEYSPACE", keyspace], [r.ReadString(), r.ReadString(), r.ReadString(), r.ReadString()]);
    }

    private static async Task Ddl(NativeTestClient client, string cql)
    {
        var (header, body) = await client.RequestAsync(NativeOpcode.Query, 1, NativeTestClient.QueryBody(cql));
        Assert.True(header.Opcode == NativeOpcode.Result, header.Opcode == NativeOpcode.Error ? NativeTestClient.Error(body).Message : "");
    }

    private static async Task<int> ErrorCode(NativeTestClient client, string cql)
    {
        var (header, body) = await client.RequestAsync(NativeOpcode.Query, 1, NativeTestClient.QueryBody(cql));
        Assert.Equal(NativeOpcode.Error, header.Opcode);
        return BinaryPrimitives.ReadInt32BigEndian(body);
    }
}
