using System.Buffers.Binary;
using RingStore.Core.Partitioning;

namespace RingStore.Bench.Native;

/// <summary>
/// The cluster benchmark's workload (table bench.kv: pk bigint, ck int, v blob) through the CQL native protocol:
/// one connection per node, prepared INSERT and SELECT sent as EXECUTE frames, each loop on its own stream id of
/// every connection (a loop has one request in flight, so ids never collide), and each request sent token-aware to
/// the primary replica of its key (the Murmur3 token of the 8-byte big-endian key, as drivers compute it). Each loop
/// prebuilds one frame per node and operation and rewrites only the key in place.
/// </summary>
public sealed class NativeClusterWorkload : IAsyncDisposable
{
    public const string InsertCql = "INSERT INTO bench.kv (pk, ck, v) VALUES (?, ?, ?)";
    public const string SelectCql = "SELECT ck, v FROM bench.kv WHERE pk = ?";

    private readonly NativeBenchConnection[] _connections;
    private readonly TokenOwners _owners;
    private readonly LoopFrames[] _loops;
    private long _nextKey;

    private NativeClusterWorkload(NativeBenchConnection[] connections, TokenOwners owners, LoopFrames[] loops)
    {
        _connections = connections;
        _owners = owners;
        _loops = loops;
    }

    /// <summary>Keys written so far: 0 .. KeysWritten-1 (a key whose write failed may be missing).</summary>
    public long KeysWritten => Interlocked.Read(ref _nextKey);

    /// <summary>
    /// Connects to every node (<paramref name="nativeEndpoints"/>[i] is node i, as in <paramref name="owners"/>),
    /// prepares both statements on each and builds every loop's frames.
    /// </summary>
    public static async Task<NativeClusterWorkload> OpenAsync(IReadOnlyList<string> nativeEndpoints, TokenOwners owners, int valueBytes, int maxLoops, int seed, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(nativeEndpoints);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxLoops, NativeBenchConnection.MaxStreams);
        var connections = new List<NativeBenchConnection>();
        try
        {
            foreach (string endpoint in nativeEndpoints) connections.Add(await NativeBenchConnection.OpenAsync(endpoint, ct).ConfigureAwait(false));
            var insertIds = new byte[connections.Count][];
            var selectIds = new byte[connections.Count][];
            for (int n = 0; n < connections.Count; n++)
            {
                insertIds[n] = await connections[n].PrepareAsync(InsertCql).ConfigureAwait(false);
                selectIds[n] = await connections[n].PrepareAsync(SelectCql).ConfigureAwait(false);
            }
            var random = new Random(seed);
            byte[] value = new byte[valueBytes];
            random.NextBytes(value);
            var loops = new LoopFrames[maxLoops];
            for (int i = 0; i < maxLoops; i++) loops[i] = new LoopFrames((short)i, insertIds, selectIds, value, new Random(random.Next()));
            return new NativeClusterWorkload([.. connections], owners, loops);
        }
        catch
        {
            foreach (var c in connections) await c.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public void SetConsistency(string level)
    {
        short code = NativeBenchFrames.ConsistencyCode(level);
        foreach (var loop in _loops) loop.SetConsistency(code);
    }

    public async Task<bool> WriteAsync(int loopIndex, CancellationToken ct)
    {
        var loop = _loops[loopIndex];
        long key = Interlocked.Increment(ref _nextKey) - 1;
        int node = NodeFor(key);
        byte[] frame = loop.Writes[node];
        BinaryPrimitives.WriteInt64BigEndian(frame.AsSpan(loop.WriteKeyOffset), key);
        await _connections[node].SendAsync(frame, loop.Stream).ConfigureAwait(false);
        return true;
    }

    /// <summary>Reads a key drawn uniformly from those written; false when the row is not there.</summary>
    public async Task<bool> ReadAsync(int loopIndex, CancellationToken ct)
    {
        var loop = _loops[loopIndex];
        long key = loop.Random.NextInt64(Math.Max(1, KeysWritten));
        int node = NodeFor(key);
        byte[] frame = loop.Reads[node];
        BinaryPrimitives.WriteInt64BigEndian(frame.AsSpan(loop.ReadKeyOffset), key);
        var reply = await _connections[node].SendAsync(frame, loop.Stream).ConfigureAwait(false);
        return reply.RowCount > 0;
    }

    /// <summary>The node a token-aware driver sends <paramref name="key"/> to: its primary replica.</summary>
    public int NodeFor(long key)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(bytes, key);
        return _owners.OwnerOf(Murmur3Partitioner.GetToken(bytes).Value);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var c in _connections) await c.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>One loop's stream id, random source and reusable EXECUTE frames (one per node and operation).</summary>
    private sealed class LoopFrames
    {
        private readonly NativeBenchFrames.ExecuteLayout[] _writeLayouts;
        private readonly NativeBenchFrames.ExecuteLayout[] _readLayouts;

        public LoopFrames(short stream, byte[][] insertIds, byte[][] selectIds, byte[] value, Random random)
        {
            Stream = stream;
            Random = random;
            int nodes = insertIds.Length;
            Writes = new byte[nodes][];
            Reads = new byte[nodes][];
            _writeLayouts = new NativeBenchFrames.ExecuteLayout[nodes];
            _readLayouts = new NativeBenchFrames.ExecuteLayout[nodes];
            for (int n = 0; n < nodes; n++)
            {
                (Writes[n], _writeLayouts[n]) = NativeBenchFrames.Execute(stream, insertIds[n], 4, [new byte[8], new byte[4], value], skipMetadata: false);
                (Reads[n], _readLayouts[n]) = NativeBenchFrames.Execute(stream, selectIds[n], 4, [new byte[8]], skipMetadata: true);
            }
            // The ids are the statement hash, the same length on every node, so the key sits at the same offset in each frame.
            WriteKeyOffset = _writeLayouts[0].ValueOffsets[0];
            ReadKeyOffset = _readLayouts[0].ValueOffsets[0];
            if (_writeLayouts.Any(l => l.ValueOffsets[0] != WriteKeyOffset) || _readLayouts.Any(l => l.ValueOffsets[0] != ReadKeyOffset))
                throw new InvalidOperationException("the nodes returned prepared ids of different lengths");
        }

        public short Stream { get; }

        public Random Random { get; }

        public byte[][] Writes { get; }

        public byte[][] Reads { get; }

        public int WriteKeyOffset { get; }

        public int ReadKeyOffset { get; }

        public void SetConsistency(short code)
        {
            for (int n = 0; n < Writes.Length; n++)
            {
                NativeBenchFrames.SetConsistency(Writes[n], _writeLayouts[n], code);
                NativeBenchFrames.SetConsistency(Reads[n], _readLayouts[n], code);
            }
        }
    }
}
