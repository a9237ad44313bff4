using CsCheck;
using RingStore.Node.Native;
using RingStore.Node.Tests.Cluster;

namespace RingStore.Node.Tests.Native;

/// <summary>
/// 10,000 random and mutated frames (wrong versions, lengths, opcodes, flags, truncated bodies, huge counts), each on
/// its own connection to a real node: every reply is a well-formed response frame, the connection always ends (no
/// hang, no crash), and the node then still serves a fresh connection.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class NativeFuzzTests(NativeNodeFixture node) : IClassFixture<NativeNodeFixture>
{
    private static readonly NativeOpcode[] ResponseOpcodes = [NativeOpcode.Error, NativeOpcode.Ready, NativeOpcode.Supported, NativeOpcode.Result];

    private static readonly byte[][] Seeds =
    [
        NativeTestClient.Frame(NativeOpcode.Options, 1, []),
        NativeTestClient.Frame(NativeOpcode.Startup, 2, NativeTestClient.StartupBody()),
        NativeTestClient.Frame(NativeOpcode.Query, 3, NativeTestClient.QueryBody("SELECT * FROM system.local WHERE key = 'local'")),
        NativeTestClient.Frame(NativeOpcode.Query, 4, NativeTestClient.Body(w =>
        {
            w.WriteLongString("SELECT * FROM system_schema.tables WHERE keyspace_name = ?");
            w.WriteShort(1);
            w.WriteByte(0x01 | 0x04 | 0x20);
            w.WriteShort(1);
            w.WriteBytes("ks"u8);
            w.WriteInt(10);
            w.WriteLong(1);
        })),
        NativeTestClient.Frame(NativeOpcode.Prepare, 5, NativeTestClient.Body(w => w.WriteLongString("SELECT * FROM system.peers"))),
        NativeTestClient.Frame(NativeOpcode.Execute, 6, NativeTestClient.Body(w =>
        {
            w.WriteShortBytes(new byte[16]);
            w.WriteShort(1);
            w.WriteByte(0x01);
            w.WriteShort(2);
            w.WriteBytes([0, 0, 0, 7]);
            w.WriteInt(-1);
        })),
        NativeTestClient.Frame(NativeOpcode.Batch, 7, NativeTestClient.Body(w =>
        {
            w.WriteByte(1);
            w.WriteShort(1);
            w.WriteByte(0);
            w.WriteLongString("INSERT INTO nosuch.t (k) VALUES (?)");
            w.WriteShort(1);
            w.WriteBytes([0, 0, 0, 1]);
            w.WriteShort(1);
            w.WriteByte(0);
        })),
        NativeTestClient.Frame(NativeOpcode.Register, 8, NativeTestClient.Body(w => w.WriteStringList(["STATUS_CHANGE"]))),
    ];

    [Fact]
    public async Task Ten_thousand_random_and_mutated_frames_get_well_formed_answers_or_a_closed_connection()
    {
        var mutated = Gen.Select(Gen.Int[0, Seeds.Length - 1], Gen.Int[0, 4], Gen.Int[0, 10_000].Array[1, 4], Gen.Byte.Array[4], Gen.Int[-1, 1 << 30])
            .Select((seed, kind, positions, bytes, number) =>
            {
                var frame = (byte[])Seeds[seed].Clone();
                switch (kind)
                {
                    case 0: // bytes anywhere (header or body)
                        for (int i = 0; i < positions.Length; i++) frame[positions[i] % frame.Length] = bytes[i];
                        return frame;
                    case 1: // truncated
                        return frame[..(positions[0] % frame.Length)];
                    case 2: // declared length lies (negative, huge, a little off)
                        new NativeFrameHeader(frame[0], frame[1], 1, (NativeOpcode)frame[4], positions[0] % 2 == 0 ? number : frame.Length - 9 + bytes[0] % 7 - 3)
                            .Write(frame);
                        return frame;
                    case 3: // another version or opcode or flags
                        frame[positions[0] % 5 == 0 ? 0 : positions[0] % 5 == 1 ? 1 : 4] = bytes[0];
                        return frame;
                    default: // a count in the body claims far more than there is
                        if (frame.Length > 11) frame[9 + positions[0] % (frame.Length - 9)] = 0xFF;
                        return frame;
                }
            });
        var frames = Gen.Frequency((1, Gen.Byte.Array[0, 80]), (4, mutated));

        int connections = 0;
        await Gen.Select(Gen.Bool, frames, frames).SampleAsync(t =>
        {
            Interlocked.Increment(ref connections);
            return RunAsync(t.Item1, t.Item2, t.Item3);
        }, iter: 10_000, threads: 2);
        Assert.True(connections >= 10_000, $"only {connections} connections");

        // The node still serves a fresh connection.
        await using var client = await NativeTestClient.ConnectAsync(node.Port);
        var (header, _) = await client.RequestAsync(NativeOpcode.Options, 1, []);
        Assert.Equal(NativeOpcode.Supported, header.Opcode);
    }

    private async Task RunAsync(bool startup, byte[] first, byte[] second)
    {
        await using var client = await NativeTestClient.ConnectAsync(node.Port);
        try
        {
            if (startup) await client.SendAsync(NativeTestClient.Frame(NativeOpcode.Startup, 0, NativeTestClient.StartupBody()));
            await client.SendAsync(first);
            await client.SendAsync(second);
            client.ShutdownSend();
        }
        catch (IOException)
        {
            // The server may close while we still write (after a fatal frame): that is an allowed answer.
        }
        while (await client.ReadAsync(TimeSpan.FromSeconds(30)) is { } reply)
        {
            Assert.Equal(NativeFrame.ResponseVersion, reply.Header.Version);
            Assert.Contains(reply.Header.Opcode, ResponseOpcodes);
            Assert.Equal(reply.Header.Length, reply.Body.Length);
        }
    }
}
