using System.Collections;
using CsCheck;
using RingStore.Core.Data;
using RingStore.Core.Partitioning;
using RingStore.Core.Reads;
using RingStore.Storage.Engine;
using RingStore.Storage.IO;
using static RingStore.Storage.Tests.Streaming.StreamTestKit;

namespace RingStore.Storage.Tests.Streaming;

/// <summary>
/// <see cref="StorageEngine.ImportAsync"/>: a table streamed page by page from engine A into engine B reads back
/// exactly as A (unfiltered, tombstones and TTLs included), also after B reopens; imported data merges with B's own
/// writes by the merge rule; a failed or cancelled import leaves no file and no visible data.
/// </summary>
public class ImportTests
{
    private const int Partitions = 30;

    /// <summary>Streams the whole ring of <paramref name="from"/> into <paramref name="to"/>, cut at <paramref name="cuts"/>, pages of <paramref name="maxBytes"/>.</summary>
    private static async Task StreamAll(StorageEngine from, StorageEngine to, long[] cuts, long maxBytes)
    {
        // Ranges (c0, c1], (c1, c2], ..., (cn, c0] (the last wraps): together the whole ring.
        var bounds = cuts.Distinct().Order().Select(c => new Token(c)).ToArray();
        if (bounds.Length == 0) bounds = [Token.Minimum];
        for (int i = 0; i < bounds.Length; i++)
        {
            // One import per non-wrapping part, as the receiver gathers pages into a batch (joining a partition split
            // across pages).
            var (s, e) = (bounds[i], bounds[(i + 1) % bounds.Length]);
            foreach (var (ps, pe) in s < e ? new[] { (s, e) } : new[] { (s, Token.Maximum), (Token.Minimum, e) })
                if (ps < pe) await to.ImportAsync(Table, Joined(PageThrough(from, ps, pe, maxBytes)));
        }
    }

    [Fact]
    public void Streamed_table_reads_back_exactly_and_survives_reopen()
    {
        Gen.Select(GenOp(Partitions).Array[10, 200], Gen.Long.Array[0, 4], Gen.Long[1, 5000]).Sample((ops, cuts, maxBytes) =>
        {
            var time = Clock();
            using var dirA = new TempDirectory();
            using var dirB = new TempDirectory();
            var a = Open(dirA.Path, time);
            var b = Open(dirB.Path, time);
            try
            {
                ApplyAsync(a, ops, time).GetAwaiter().GetResult();
                StreamAll(a, b, cuts, maxBytes).GetAwaiter().GetResult();
                string expected = Render(ReadAll(a));
                Assert.Equal(expected, Render(ReadAll(b)));
                for (int pk = 0; pk < Partitions; pk++)
                {
                    var q = SliceQuery.WholePartition(Table, Pk(pk));
                    Assert.Equal(a.ReadUnfiltered(q) is { } pa ? Render(pa) : "none", b.ReadUnfiltered(q) is { } pb ? Render(pb) : "none");
                }
                b.DisposeAsync().AsTask().GetAwaiter().GetResult();
                b = Open(dirB.Path, time);
                Assert.Equal(expected, Render(ReadAll(b)));
                // Time passes: TTLs expire alike on both sides.
                time.Advance(TimeSpan.FromSeconds(15));
                Assert.Equal(RenderVisible(a, Partitions), RenderVisible(b, Partitions));
            }
            finally
            {
                a.DisposeAsync().AsTask().GetAwaiter().GetResult();
                b.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
        }, iter: 15, threads: 1);
    }

    [Fact]
    public void Import_merges_with_existing_data_by_the_merge_rule()
    {
        // C gets A's and B's writes directly: what B must read after A's data is streamed in.
        Gen.Select(GenOp(Partitions).Array[10, 150], GenOp(Partitions).Array[10, 150], Gen.Long[1, 5000]).Sample((opsA, opsB, maxBytes) =>
        {
            var time = Clock();
            using var dirA = new TempDirectory();
            using var dirB = new TempDirectory();
            using var dirC = new TempDirectory();
            var a = Open(dirA.Path, time);
            var b = Open(dirB.Path, time);
            var c = Open(dirC.Path, time);
            try
            {
                ApplyAsync(a, opsA, time).GetAwaiter().GetResult();
                ApplyAsync(b, opsB.Take(opsB.Length / 2), time).GetAwaiter().GetResult();
                ApplyAsync(c, opsA.Concat(opsB), time).GetAwaiter().GetResult();
                StreamAll(a, b, [], maxBytes).GetAwaiter().GetResult();
                ApplyAsync(b, opsB.Skip(opsB.Length / 2), time).GetAwaiter().GetResult(); // writes during and after the stream
                string expected = RenderVisible(c, Partitions);
                Assert.Equal(expected, RenderVisible(b, Partitions));
                b.CompactAsync(Table).GetAwaiter().GetResult();
                Assert.Equal(expected, RenderVisible(b, Partitions));
                b.DisposeAsync().AsTask().GetAwaiter().GetResult();
                b = Open(dirB.Path, time);
                Assert.Equal(expected, RenderVisible(b, Partitions));
            }
            finally
            {
                a.DisposeAsync().AsTask().GetAwaiter().GetResult();
                b.DisposeAsync().AsTask().GetAwaiter().GetResult();
                c.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
        }, iter: 10, threads: 1);
    }

    private static List<MergedPartitionData> SomePartitions(int count, int tsBase = 1000)
    {
        var ps = Enumerable.Range(0, count).Select(pk => new MergedPartitionData(Pk(pk), TokenOf(pk), DeletionTime.Live, [],
            [new Row(Ck(1), LivenessInfo.At(tsBase), DeletionTime.Live, [Cell.Live(0, tsBase, new byte[300])])])).ToList();
        ps.Sort((x, y) => x.Token.CompareTo(y.Token));
        return ps;
    }

    private static void AssertNoLeftovers(string dataDir, long generationsBefore)
    {
        var files = Directory.GetFiles(TableDirectory(dataDir)).Select(Path.GetFileName).ToArray();
        Assert.DoesNotContain(files, f => f!.EndsWith(".tmp", StringComparison.Ordinal));
        Assert.Equal(generationsBefore, files.Count(f => f!.EndsWith("-TOC.txt", StringComparison.Ordinal)));
        Assert.Equal(generationsBefore * 6, files.Count(f => f!.StartsWith("rs-", StringComparison.Ordinal)));
    }

    public enum Fault { DiskFull, FailedSync, FailedRename, CorruptBlock, Cancelled }

    [Theory]
    [InlineData(Fault.DiskFull)]
    [InlineData(Fault.FailedSync)]
    [InlineData(Fault.FailedRename)]
    [InlineData(Fault.CorruptBlock)]
    [InlineData(Fault.Cancelled)]
    public async Task A_failed_import_leaves_no_files_and_no_data(Fault fault)
    {
        var time = Clock();
        using var dir = new TempDirectory();
        var fs = new FaultInjectingFileSystem(new PhysicalFileSystem());
        var engine = Open(dir.Path, time, fs: fs);
        try
        {
            await engine.ApplyAsync(PartitionUpdate.OfRows(Table, Pk(1000), new Row(Ck(1), LivenessInfo.At(1), DeletionTime.Live, [Cell.Live(0, 1, [7])])));
            await engine.FlushAsync(Table);
            var before = Render(ReadAll(engine));
            var partitions = SomePartitions(200);
            using var cts = new CancellationTokenSource();
            switch (fault)
            {
                // 2,000 bytes in: the import's files (LZ4-compressed Data of 200 partitions is small) fail part-way.
                case Fault.DiskFull: fs.FailWritesAfterBytes = fs.BytesWritten + 2_000; break;
                case Fault.FailedSync: fs.FailSync = true; break;
                case Fault.FailedRename: fs.FailRename = true; break;
                case Fault.CorruptBlock:
                    // The next generation is 2; a flipped byte in its first Data block (compressed or not, the file is
                    // longer than 100 bytes) fails the verification.
                    fs.FlipByteOnRead(Path.Combine(TableDirectory(dir.Path), "rs-2-Data.db"), 100);
                    break;
                case Fault.Cancelled:
                    // Validation enumerates each partition's rows once (the importer's order check; MutationValidator
                    // indexes them); the writer's enumeration of the 51st cancels.
                    var p = partitions[50];
                    partitions[50] = p with { Rows = new CancellingRows(p.Rows, cts, cancelOnEnumeration: 2) };
                    break;
            }
            var e = await Record.ExceptionAsync(() => engine.ImportAsync(Table, partitions, cts.Token));
            Assert.True(e is IOException or OperationCanceledException, $"unexpected {e}");
            fs.ClearFaults();
            AssertNoLeftovers(dir.Path, 1);
            Assert.Equal(before, Render(ReadAll(engine)));
            await engine.DisposeAsync();
            engine = Open(dir.Path, time, fs: fs);
            Assert.Equal(before, Render(ReadAll(engine)));
            // The engine is fine afterwards: the same import now succeeds.
            var result = await engine.ImportAsync(Table, SomePartitions(200));
            Assert.Equal(200, result.Partitions);
            Assert.Equal(201, ReadAll(engine).Count);
        }
        finally
        {
            await engine.DisposeAsync();
        }
    }

    [Fact]
    public async Task Bad_input_throws_before_anything_is_written_and_an_empty_import_is_a_no_op()
    {
        var time = Clock();
        using var dir = new TempDirectory();
        await using var engine = Open(dir.Path, time);
        var ps = SomePartitions(5);
        Assert.Equal(new StreamImportResult(0, 0, 0), await engine.ImportAsync(Table, []));
        await Assert.ThrowsAsync<ArgumentException>(() => engine.ImportAsync(Table, [ps[1], ps[0]]));
        await Assert.ThrowsAsync<ArgumentException>(() => engine.ImportAsync(Table, [ps[0], ps[0]]));
        await Assert.ThrowsAsync<ArgumentException>(() => engine.ImportAsync(Table, [ps[0] with { Token = new Token(ps[0].Token.Value + 1) }]));
        var unsortedRows = ps[0] with { Rows = [.. ps[0].Rows, .. ps[0].Rows] };
        await Assert.ThrowsAsync<ArgumentException>(() => engine.ImportAsync(Table, [unsortedRows]));
        var badColumn = ps[0] with { Rows = [new Row(Ck(1), LivenessInfo.None, DeletionTime.Live, [Cell.Live(5, 1, [1])])] };
        await Assert.ThrowsAsync<ArgumentException>(() => engine.ImportAsync(Table, [badColumn]));
        AssertNoLeftovers(dir.Path, 0);
        Assert.Empty(ReadAll(engine));
    }

    [Fact]
    public async Task Truncate_before_an_import_keeps_the_import_and_after_it_drops_it_across_restarts()
    {
        var time = Clock();
        using var dir = new TempDirectory();
        var engine = Open(dir.Path, time);
        try
        {
            await engine.ImportAsync(Table, SomePartitions(10));
            await engine.TruncateAsync(Table);
            Assert.Empty(ReadAll(engine));
            var result = await engine.ImportAsync(Table, SomePartitions(7));
            Assert.Equal(7, result.Partitions);
            Assert.Contains(result.Generation, Generations(dir.Path));
            await engine.DisposeAsync();
            engine = Open(dir.Path, time);
            Assert.Equal(7, ReadAll(engine).Count);
            await engine.TruncateAsync(Table);
            await engine.DisposeAsync();
            engine = Open(dir.Path, time);
            Assert.Empty(ReadAll(engine));
        }
        finally
        {
            await engine.DisposeAsync();
        }
    }

    /// <summary>Rows that cancel a token when enumerated for the n-th time (to cancel an import midway through writing).</summary>
    private sealed class CancellingRows(IReadOnlyList<Row> rows, CancellationTokenSource cts, int cancelOnEnumeration) : IReadOnlyList<Row>
    {
        private int _enumerations;

        public Row this[int index] => rows[index];

        public int Count => rows.Count;

        public IEnumerator<Row> GetEnumerator()
        {
            if (++_enumerations == cancelOnEnumeration) cts.Cancel();
            return rows.GetEnumerator();
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
