using Microsoft.Extensions.Logging.Abstractions;
using RingStore.Core.Partitioning;
using RingStore.Core.Schema;
using RingStore.Coordination;
using RingStore.Node.Messaging;
using RingStore.Node.Streaming;
using RingStore.Node.Tests.Cluster;
using RingStore.Node.Tests.Messaging;
using RingStore.Storage.Engine;
using RingStore.Storage.SSTables;

namespace RingStore.Node.Tests.Topology;

/// <summary>
/// Entire-SSTable streaming between two engines over real TCP messaging, driven by <see cref="RangeStreamer"/>: an
/// SSTable inside one range arrives whole (byte-identical files, counted as a file), one that straddles and memtable
/// data arrive as rows, nothing arrives twice; a flipped byte in a chunk fails the stream leaving no file and the
/// receiver's data unchanged; a receiver stopped mid-SSTable leaves no partial SSTable and the resumed stream ends
/// with exactly the source's data.
/// </summary>
public sealed class EntireSSTableStreamingTests : IAsyncLifetime
{
    private static readonly TableSchema Schema = new("ks", "t",
        [new ColumnDefinition("pk", ColumnType.BigInt)],
        [new ClusteringColumn("ck", ColumnType.Int)],
        [new ColumnDefinition("v", ColumnType.Text)]);

    private static readonly StreamItem[] Halves = [new("ks.t", long.MinValue, 0), new("ks.t", 0, long.MaxValue)];

    private readonly string _root = Path.Combine(Path.GetTempPath(), "ringstore-tests", Guid.NewGuid().ToString("N"));
    private StorageEngine _source = null!, _receiver = null!;
    private MessagingService _sourceNet = null!, _receiverNet = null!;
    private FaultyMessaging _faults = null!;
    private readonly StreamRegistry _registry = new(TimeProvider.System);
    private readonly List<long> _inside = [], _straddling = [], _memtable = [];

    private string SourceDir => Path.Combine(_root, "a");
    private string ReceiverDir => Path.Combine(_root, "b");

    public async Task InitializeAsync()
    {
        _source = StorageEngine.Open(new StorageEngineOptions { DataDirectory = SourceDir, BackgroundCompaction = false }, [Schema]);
        _receiver = OpenReceiver();
        _sourceNet = await MessagingTestKit.StartAsync();
        _receiverNet = await MessagingTestKit.StartAsync();
        _sourceNet.RegisterHandler(Verb.StreamPage, new StreamPageVerbHandler(_source, _registry));
        _sourceNet.RegisterHandler(Verb.StreamManifest, new StreamManifestVerbHandler(_source));
        _sourceNet.RegisterHandler(Verb.StreamFileChunk, new StreamFileChunkVerbHandler(_source, _registry));
        _faults = new FaultyMessaging(_receiverNet);

        // Three sources on the source node: an SSTable with every token below 0 (inside the first range), one with
        // tokens on both sides of 0 (straddles), and memtable data on both sides (the manifest's flush makes it an
        // SSTable that straddles too). Disjoint partitions, so each partition's copies on the receiver can be counted.
        var pks = Enumerable.Range(0, 100_000).Select(i => (long)i);
        _inside.AddRange(pks.Where(pk => Token(pk).Value < 0).Take(25));
        _straddling.AddRange(pks.Skip(1000).Take(25));
        _memtable.AddRange(pks.Skip(2000).Take(25));
        await WriteAsync(_source, _inside);
        await _source.FlushAsync("ks.t");
        await WriteAsync(_source, _straddling);
        await _source.FlushAsync("ks.t");
        await WriteAsync(_source, _memtable);
    }

    private StorageEngine OpenReceiver() =>
        StorageEngine.Open(new StorageEngineOptions { DataDirectory = ReceiverDir, BackgroundCompaction = false }, [Schema]);

    public async Task DisposeAsync()
    {
        await _receiverNet.DisposeAsync();
        await _sourceNet.DisposeAsync();
        await _receiver.DisposeAsync();
        await _source.DisposeAsync();
        try { Directory.Delete(_root, recursive: true); }
        catch (IOException) { }
    }

    private static Token Token(long pk) => Murmur3Partitioner.GetToken(SampleData.Key(Schema, pk));

    private static async Task WriteAsync(StorageEngine engine, IEnumerable<long> pks, string prefix = "v")
    {
        foreach (long pk in pks)
            for (int ck = 0; ck < 3; ck++)
                await engine.ApplyAsync(SampleData.Upsert(Schema, pk, ck, $"{prefix}{pk}.{ck}"));
    }

    private RangeStreamer Streamer() =>
        new(_receiver, _faults, new StreamThrottle(0, TimeProvider.System), _registry, TimeSpan.FromSeconds(30), NullLogger.Instance);

    private Task<StreamPullResponse> PullAsync(StreamProgressLog? progress = null) =>
        Streamer().PullAsync("bootstrap", _sourceNet.LocalAddress.ToString(), Halves, progress, CancellationToken.None);

    private static string Content(StorageEngine engine, IEnumerable<long> pks) =>
        string.Join("\n", pks.Select(pk => $"{pk}: " + string.Join(",", engine.Read(SampleData.Partition(Schema, pk)).Rows.Select(SampleData.Value))));

    private IEnumerable<long> AllPks => _inside.Concat(_straddling).Concat(_memtable);

    private static string TableDir(string dataDir) => Directory.GetDirectories(Path.Combine(dataDir, "data", "ks"), "t-*").Single();

    private static string[] Files(string dataDir) =>
        [.. Directory.GetFiles(TableDir(dataDir)).Select(Path.GetFileName).Where(f => f!.StartsWith("rs-", StringComparison.Ordinal)).Order(StringComparer.Ordinal)!];

    /// <summary>Partitions over all of the receiver's SSTables: each source partition once, none twice.</summary>
    private long ReceiverSSTablePartitions => _receiver.GetStats().Tables.Single().SSTablePartitions;

    private StreamSession LastInbound => _registry.Sessions.Last(s => s.Direction == "in");

    [Fact]
    public async Task The_SSTable_inside_a_range_arrives_whole_and_byte_identical_the_rest_as_rows_and_nothing_twice()
    {
        var response = await PullAsync();
        Assert.Equal(2, response.Ranges);
        Assert.Equal(Content(_source, AllPks), Content(_receiver, AllPks));
        Assert.Equal(AllPks.Count(), ReceiverSSTablePartitions);
        Assert.Equal(1, LastInbound.FilesTotal);
        Assert.Equal(1, LastInbound.FilesDone);
        Assert.Equal(1, _faults.Requests(Verb.StreamManifest));

        // The inside SSTable's files are on the receiver byte for byte (under another generation); the others are not.
        byte[] sourceData = SSTableData(SourceDir, Files(SourceDir).First(f => f.EndsWith("-Data.db", StringComparison.Ordinal)));
        var receiverData = Files(ReceiverDir).Where(f => f.EndsWith("-Data.db", StringComparison.Ordinal)).Select(f => SSTableData(ReceiverDir, f)).ToList();
        Assert.Contains(receiverData, d => d.AsSpan().SequenceEqual(sourceData));
        Assert.Equal(3, Files(SourceDir).Count(f => f.EndsWith("-TOC.txt", StringComparison.Ordinal))); // the manifest flushed the memtable
    }

    private static byte[] SSTableData(string dataDir, string file) => File.ReadAllBytes(Path.Combine(TableDir(dataDir), file));

    [Fact]
    public async Task Whole_SSTable_streaming_switched_off_sends_everything_as_rows_with_the_same_result()
    {
        var response = await new RangeStreamer(_receiver, _faults, new StreamThrottle(0, TimeProvider.System), _registry, TimeSpan.FromSeconds(30),
            NullLogger.Instance) { EntireSSTables = false }.PullAsync("bootstrap", _sourceNet.LocalAddress.ToString(), Halves, null, CancellationToken.None);
        Assert.Equal(Content(_source, AllPks), Content(_receiver, AllPks));
        Assert.Equal(0, _faults.Requests(Verb.StreamFileChunk));
        Assert.Equal(0, LastInbound.FilesTotal);
    }

    [Fact]
    public async Task A_flipped_byte_in_a_chunk_fails_the_stream_and_leaves_no_file_and_the_data_unchanged()
    {
        await WriteAsync(_receiver, _inside.Take(3), prefix: "own");
        await _receiver.FlushAsync("ks.t");
        string before = Content(_receiver, AllPks);
        string[] filesBefore = Files(ReceiverDir);
        _faults.Transform = (verb, payload) =>
        {
            if (verb != Verb.StreamFileChunk) return payload;
            var chunk = CoordinationMessageSerializer.Deserialize<StreamFileChunkResponse>(payload);
            if (chunk.Bytes.Length <= 100) return payload;
            byte[] bytes = [.. chunk.Bytes];
            bytes[100] ^= 0x01; // inside the first Data block's payload; the chunk keeps the CRC32C of the original
            return CoordinationMessageSerializer.Serialize(chunk with { Bytes = bytes });
        };
        var e = await Assert.ThrowsAnyAsync<Exception>(() => PullAsync());
        Assert.Contains("CRC32C", e.Message);
        Assert.StartsWith("failed", LastInbound.State);
        Assert.Equal(filesBefore, Files(ReceiverDir));
        Assert.Equal(before, Content(_receiver, AllPks));
    }

    [Fact]
    public async Task A_receiver_stopped_mid_SSTable_keeps_no_part_of_it_and_the_resumed_stream_ends_with_exactly_the_data()
    {
        string log = Path.Combine(_root, "progress.log");
        // Stop at the second chunk: the Data file is written, the Index is not.
        _faults.FailAt(Verb.StreamFileChunk, 2);
        using (var progress = StreamProgressLog.Open(log))
            await Assert.ThrowsAnyAsync<Exception>(() => PullAsync(progress));
        Assert.Empty(Files(ReceiverDir));
        Assert.Empty(Directory.GetFiles(TableDir(ReceiverDir), "*.tmp"));

        _faults.FailAt(null, 0);
        using (var progress = StreamProgressLog.Open(log))
        {
            Assert.Equal(0, progress.CompletedCount);
            await PullAsync(progress);
            Assert.Equal(2, progress.CompletedCount);
        }
        Assert.Equal(Content(_source, AllPks), Content(_receiver, AllPks));
        Assert.Equal(AllPks.Count(), ReceiverSSTablePartitions);
        Assert.Equal(1, LastInbound.FilesDone);

        // Reopened from disk, still exactly the data.
        await _receiver.DisposeAsync();
        _receiver = OpenReceiver();
        Assert.Equal(Content(_source, AllPks), Content(_receiver, AllPks));
        Assert.Equal(AllPks.Count(), ReceiverSSTablePartitions);
    }

    [Fact]
    public async Task A_stream_stopped_after_the_whole_SSTable_resumes_without_pulling_it_again_or_sending_its_rows()
    {
        string log = Path.Combine(_root, "progress.log");
        _faults.FailAt(Verb.StreamPage, 1);
        using (var progress = StreamProgressLog.Open(log))
            await Assert.ThrowsAnyAsync<Exception>(() => PullAsync(progress));
        int chunks = _faults.Requests(Verb.StreamFileChunk);
        Assert.True(chunks >= 5, $"{chunks} chunks");
        Assert.Equal(_inside.Count, ReceiverSSTablePartitions);

        _faults.FailAt(null, 0);
        using (var progress = StreamProgressLog.Open(log))
            await PullAsync(progress);
        Assert.Equal(chunks, _faults.Requests(Verb.StreamFileChunk));
        Assert.Equal(Content(_source, AllPks), Content(_receiver, AllPks));
        Assert.Equal(AllPks.Count(), ReceiverSSTablePartitions);
    }

    [Fact]
    public void Crc32C_is_the_Castagnoli_checksum() =>
        Assert.Equal(0xE3069283u, Crc32C.HashToUInt32("123456789"u8));

    /// <summary>The receiver's real messaging, with faults: responses rewritten, or the Nth request of a verb failing as a stopped stream does.</summary>
    private sealed class FaultyMessaging(IMessagingService inner) : IMessagingService
    {
        private readonly Dictionary<Verb, int> _requests = [];
        private Verb? _failVerb;
        private int _failAt;

        public Func<Verb, ReadOnlyMemory<byte>, ReadOnlyMemory<byte>>? Transform { get; set; }

        public void FailAt(Verb? verb, int nth) => (_failVerb, _failAt) = (verb, nth);

        public int Requests(Verb verb)
        {
            lock (_requests) return _requests.GetValueOrDefault(verb);
        }

        public PeerAddress LocalAddress => inner.LocalAddress;

        public void RegisterHandler(Verb verb, IVerbHandler handler) => inner.RegisterHandler(verb, handler);

        public void SendOneWay(PeerAddress peer, Verb verb, ReadOnlyMemory<byte> payload) => inner.SendOneWay(peer, verb, payload);

        public Task<Response> SendRequestAsync(PeerAddress peer, Verb verb, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default) =>
            SendRequestAsync(peer, verb, payload, TimeSpan.FromSeconds(30), cancellationToken);

        public async Task<Response> SendRequestAsync(PeerAddress peer, Verb verb, ReadOnlyMemory<byte> payload, TimeSpan timeout, CancellationToken cancellationToken = default)
        {
            int n;
            lock (_requests) n = _requests[verb] = _requests.GetValueOrDefault(verb) + 1;
            if (verb == _failVerb && n >= _failAt) throw new RequestFailedException($"stream stopped at {verb} #{n}");
            var response = await inner.SendRequestAsync(peer, verb, payload, timeout, cancellationToken);
            return Transform is { } t ? response with { Payload = t(verb, response.Payload) } : response;
        }
    }
}
