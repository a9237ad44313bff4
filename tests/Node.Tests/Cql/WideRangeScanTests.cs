using RingStore.Client.Protos;
using RingStore.Core.Data;
using RingStore.Core.Partitioning;
using RingStore.Core.Reads;
using RingStore.Core.Schema;
using RingStore.Core.Values;
using RingStore.Coordination;
using RingStore.Node.Requests;
using RingStore.Node.Tests.Cluster;
using RingStore.Node.Verbs;
using RingStore.Storage.Engine;
using static RingStore.Node.Tests.Cql.Rows;

namespace RingStore.Node.Tests.Cql;

/// <summary>
/// Range scans over a table holding one wide partition (3,000 rows of 8 KiB, 24 MiB, on every replica) and a few narrow
/// ones, on three in-process nodes: LIMIT 10 reads about 10 rows per replica (counted by the engines' range-row
/// metric), not the partition; a replica's reply stops at its byte budget inside the partition; paging through the
/// whole table returns every row once, in order, resuming inside the wide partition.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class WideRangeScanTests(WideRangeScanTests.Data data) : IClassFixture<WideRangeScanTests.Data>
{
    public const int WideRows = 3_000;
    public const int ValueBytes = 8 * 1024;
    public static readonly long[] Narrow = [2, 3, 4, 5, 6];

    public sealed class Data : IAsyncLifetime
    {
        // Reads of 8 KiB rows at QUORUM, three nodes in one process: the in-process cluster's 2 s read timeout was
        // passed at load ~40 (ReadTimeout on a page); this class tests paging and budgets, not the deadline.
        public CqlClusterFixture Fixture { get; } = new() { Configure = (_, o) => o.ReadTimeout = TimeSpan.FromSeconds(10) };
        public TableSchema Table { get; private set; } = null!;

        /// <summary>
        /// The same shape with small rows, read only by the PER PARTITION LIMIT test: its row count must not include the
        /// other tests' range reads on <see cref="Table"/> that are still finishing on a replica after their query answered
        /// (a cancelled parallel piece is cancelled at the coordinator, not inside the replica's engine read).
        /// </summary>
        public TableSchema PerPartitionTable { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            await Fixture.InitializeAsync();
            await Fixture.CreateTableAsync("CREATE TABLE wide (pk bigint, ts bigint, v blob, PRIMARY KEY (pk, ts))", "ks", "wide");
            Assert.True(Fixture.Cluster[0].Schema.Current.TryGetTable("ks", "wide", out var table));
            Table = table!;
            // Written straight into every replica's engine (RF 3, identical data, so reads repair nothing): 24 MiB
            // through the coordinator one row at a time would only slow the test down.
            for (int node = 0; node < Fixture.Cluster.Count; node++)
            {
                var engine = Fixture.Cluster[node].Engine;
                for (int from = 0; from < WideRows; from += 500)
                {
                    var rows = Enumerable.Range(from, Math.Min(500, WideRows - from)).Select(ts => RowOf(ts, ValueBytes)).ToArray();
                    await engine.ApplyAsync(PartitionUpdate.OfRows(Table.FullName, Key(1), rows));
                }
                await engine.FlushAsync(Table.FullName);
                foreach (long pk in Narrow)
                    await engine.ApplyAsync(PartitionUpdate.OfRows(Table.FullName, Key(pk), RowOf(0, 10), RowOf(1, 10)));
            }

            await Fixture.CreateTableAsync("CREATE TABLE ppl (pk bigint, ts bigint, v blob, PRIMARY KEY (pk, ts))", "ks", "ppl");
            Assert.True(Fixture.Cluster[0].Schema.Current.TryGetTable("ks", "ppl", out var ppl));
            PerPartitionTable = ppl!;
            for (int node = 0; node < Fixture.Cluster.Count; node++)
            {
                var engine = Fixture.Cluster[node].Engine;
                var rows = Enumerable.Range(0, WideRows).Select(ts => RowOf(ts, 16)).ToArray();
                await engine.ApplyAsync(PartitionUpdate.OfRows(ppl!.FullName, Key(1), rows));
                await engine.FlushAsync(ppl.FullName);
                foreach (long pk in Narrow)
                    await engine.ApplyAsync(PartitionUpdate.OfRows(ppl.FullName, Key(pk), RowOf(0, 10), RowOf(1, 10)));
            }
        }

        public byte[] Key(long pk) => PartitionKeyCodec.Serialize(Table.PartitionKey, [pk]);

        private Row RowOf(long ts, int bytes) => new(ClusteringKeyCodec.Encode(Table.Clustering, [ts]), LivenessInfo.At(1000), DeletionTime.Live,
            [Cell.Live(0, 1000, new byte[bytes])]);

        public Task DisposeAsync() => Fixture.DisposeAsync();
    }

    private CqlClusterFixture F => data.Fixture;

    private long RowsRead() => RowsRead(data.Table);

    private long RowsRead(TableSchema table) => Enumerable.Range(0, F.Cluster.Count).Sum(i => F.Cluster[i].Engine.MetricsOf(table.FullName).RangeRowsRead);

    [Fact]
    public async Task Limit_10_over_a_wide_partition_reads_about_10_rows_per_replica()
    {
        long before = RowsRead();
        var result = await F.RunAsync("SELECT ts FROM wide LIMIT 10", consistency: Consistency.All);
        Assert.Equal(10, result.Rows.Count);
        long read = RowsRead() - before;
        // Three replicas, each asked for 11 rows per request, over a few vnode pieces: far below the 3,000 of the partition.
        Assert.True(read < 300, $"LIMIT 10 read {read} rows");
    }

    [Fact]
    public async Task Per_partition_limit_at_ONE_is_pushed_to_the_replica_and_reads_about_n_rows_of_the_wide_partition()
    {
        long before = RowsRead(data.PerPartitionTable);
        var result = await F.RunAsync("SELECT pk, ts FROM ppl PER PARTITION LIMIT 2", consistency: Consistency.One, pageSize: 1000);
        Assert.Equal(2 * (1 + Narrow.Length), result.Rows.Count);
        Assert.Equal([0L, 1L], result.Rows.Where(r => (long)Clr(r.Values[0])! == 1).Select(r => Clr(r.Values[1])).ToList());
        long read = RowsRead(data.PerPartitionTable) - before;
        // One replica per piece, each partition stopped after 2 live rows: not the 3,000 rows of the wide partition.
        Assert.True(read < 100, $"PER PARTITION LIMIT 2 read {read} rows");
    }

    [Fact]
    public void A_replica_asked_for_n_rows_per_partition_answers_the_wide_partition_with_n_rows_and_no_cut()
    {
        var token = Murmur3Partitioner.GetToken(data.Key(1));
        var command = RangeReadCommandMessage.For(data.Table.FullName, RangePosition.AfterToken(new Token(token.Value - 1)), token.Value, 1000, 0)
            with { PerPartitionRows = 3, NowSeconds = (int)DateTimeOffset.UtcNow.ToUnixTimeSeconds() };
        var reply = RangeReadVerbHandler.Answer(F.Cluster[0].Engine, command, maxReplyBytes: 1 << 20);
        Assert.False(reply.Truncated);
        var part = MergedPartitionDataCodec.Deserialize(Assert.Single(reply.Partitions))!;
        Assert.Equal(3, part.Rows.Count);
    }

    [Fact]
    public void A_replica_reply_stops_at_its_byte_budget_inside_the_wide_partition()
    {
        var token = Murmur3Partitioner.GetToken(data.Key(1));
        var command = RangeReadCommandMessage.For(data.Table.FullName, RangePosition.AfterToken(new Token(token.Value - 1)), token.Value, 1000, 0);
        var reply = RangeReadVerbHandler.Answer(F.Cluster[0].Engine, command, maxReplyBytes: 1 << 20);
        Assert.True(reply.Truncated);
        Assert.NotNull(reply.ResumeClustering);
        long bytes = reply.Partitions.Sum(p => (long)p.Length);
        Assert.InRange(bytes, 900_000, (1 << 20) + 4096);
        var part = MergedPartitionDataCodec.Deserialize(Assert.Single(reply.Partitions))!;
        Assert.InRange(part.Rows.Count, 100, 130); // ~1 MiB of 8 KiB rows, not the 3,000-row partition

        // The next reply starts right after it.
        var next = RangeReadVerbHandler.Answer(F.Cluster[0].Engine, command with
        {
            StartExclusive = reply.ResumeToken, StartKey = reply.ResumeKey, StartClustering = reply.ResumeClustering,
        }, maxReplyBytes: 1 << 20);
        var nextPart = MergedPartitionDataCodec.Deserialize(next.Partitions[0])!;
        Assert.Equal(part.Rows.Count, (long)ClusteringKeyCodec.Decode(data.Table.Clustering, nextPart.Rows[0].Clustering)[0]!);
    }

    [Theory]
    [InlineData(0, 1000)]
    [InlineData(1, 333)]
    public async Task Paging_through_the_table_returns_every_row_once_in_order(int node, int pageSize)
    {
        var seen = new List<(long Pk, long Ts)>();
        Google.Protobuf.ByteString? state = null;
        int pages = 0;
        do
        {
            var page = await F.RunAsync("SELECT pk, ts FROM wide", node: node, pageSize: pageSize, pagingState: state, consistency: Consistency.Quorum);
            Assert.True(page.Rows.Count <= pageSize);
            seen.AddRange(page.Rows.Select(r => ((long)Clr(r.Values[0])!, (long)Clr(r.Values[1])!)));
            state = page.PagingState.IsEmpty ? null : page.PagingState;
            Assert.True(++pages < 1000);
        }
        while (state is not null);
        Assert.Equal(WideRows + 2 * Narrow.Length, seen.Count);
        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.Equal(Enumerable.Range(0, WideRows).Select(i => (long)i), seen.Where(r => r.Pk == 1).Select(r => r.Ts));
        var count = await F.RunAsync("SELECT COUNT(*) FROM wide", node: node);
        Assert.Equal((long)seen.Count, Clr(count.Rows[0].Values[0]));
    }

    [Fact]
    public async Task A_single_partition_read_is_cut_by_the_replica_byte_budget_and_pages_on()
    {
        // 3,000 rows of 8 KiB (24 MiB) asked for at once: each replica reply stops at 4 MiB, the coordinator answers a
        // short page with a paging state, and following it reads every row once, in order.
        var seen = new List<long>();
        byte[]? paging = null;
        int pages = 0;
        do
        {
            var query = new SliceQuery(data.Table.FullName, data.Key(1), ClusteringSlice.All, Limit: 5000, PagingState: paging);
            var result = await F.Cluster[pages % 3].Reads.ReadAsync("ks", query, Core.Consistency.ConsistencyLevel.Quorum, CancellationToken.None);
            Assert.InRange(result.Rows.Count, 1, 4 * 1024 / 8 + 1);
            seen.AddRange(result.Rows.Select(r => (long)ClusteringKeyCodec.Decode(data.Table.Clustering, r.Clustering)[0]!));
            paging = result.PagingState;
            Assert.True(++pages < 100);
        }
        while (paging is not null);
        Assert.True(pages >= 6, $"{pages} pages");
        Assert.Equal(Enumerable.Range(0, WideRows).Select(i => (long)i), seen);
    }

    [Fact]
    public async Task A_select_page_of_large_values_ends_at_its_byte_limit_with_a_paging_state()
    {
        var seen = new List<long>();
        Google.Protobuf.ByteString? state = null;
        int pages = 0;
        do
        {
            var page = await F.RunAsync("SELECT ts, v FROM wide WHERE pk = 1", node: pages % 3, pagingState: state, consistency: Consistency.One);
            // 4 MiB of 8 KiB values: about 512 rows a page, not the 5,000 of the page size.
            Assert.InRange(page.Rows.Count, 1, 4 * 1024 / 8 + 1);
            seen.AddRange(page.Rows.Select(r => (long)Clr(r.Values[0])!));
            state = page.PagingState.IsEmpty ? null : page.PagingState;
            Assert.True(++pages < 100);
        }
        while (state is not null);
        Assert.Equal(Enumerable.Range(0, WideRows).Select(i => (long)i), seen);
    }
}
