using CsCheck;
using RingStore.Core.Partitioning;
using RingStore.Storage.Engine;
using RingStore.Storage.SSTables;
using static RingStore.Storage.Tests.Streaming.StreamTestKit;

namespace RingStore.Storage.Tests.Streaming;

/// <summary>
/// Entire-SSTable streaming at the engine level: which SSTables are offered whole, a whole transfer gives
/// byte-identical files that read back exactly as the source, and a damaged, out-of-range, incomplete or abandoned
/// transfer is refused leaving no file and the receiver's data as it was (also across a crash and reopen).
/// </summary>
public class EntireSSTableTests
{
    private static readonly (Token, Token)[] Negative = [(Token.Minimum, new Token(0))];
    private static readonly (Token, Token)[] Halves = [(Token.Minimum, new Token(0)), (new Token(0), Token.Maximum)];

    private static int[] PksWhere(Func<Token, bool> pick, int count) =>
        [.. Enumerable.Range(0, 10_000).Where(pk => pick(TokenOf(pk))).Take(count)];

    private static Task WriteAsync(StorageEngine engine, IEnumerable<int> pks, TimeProvider time, long ts = 1000) =>
        ApplyAsync(engine, pks.SelectMany(pk => Enumerable.Range(0, 5).Select(ck => (Op)new Write(pk, ck, ck % 2, [(byte)pk, (byte)ck], ts, 0, true))), time);

    /// <summary>Pulls every component of <paramref name="offered"/> in chunks of <paramref name="chunk"/>, passing each through <paramref name="tamper"/>.</summary>
    private static async Task<StreamImportResult> CopyAsync(StorageEngine from, StorageEngine to, EntireSSTableCandidate offered, (Token, Token) range,
        int chunk = 1000, Func<SSTableComponent, long, byte[], byte[]>? tamper = null)
    {
        using var receiver = to.BeginEntireSSTable(Table, offered, range.Item1, range.Item2);
        foreach (var file in offered.Files)
        {
            for (long offset = 0; offset < file.Length;)
            {
                byte[] bytes = from.ReadEntireSSTableChunk(Table, offered.Generation, file.Component, offset, chunk) ?? throw new InvalidOperationException("gone");
                if (tamper is not null) bytes = tamper(file.Component, offset, bytes);
                receiver.Append(file.Component, offset, bytes);
                offset += bytes.Length;
            }
        }
        return await to.CompleteEntireSSTableAsync(Table, receiver);
    }

    private static string[] FilesIn(string dataDir) => Directory.GetFiles(TableDirectory(dataDir)).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;

    [Fact]
    public void Only_SSTables_whose_min_and_max_token_lie_in_one_range_are_offered()
    {
        Gen.Select(Gen.Long, Gen.Long, Gen.Long.Array[0, 6]).Sample((a, b, cuts) =>
        {
            var (min, max) = (new Token(Math.Min(a, b)), new Token(Math.Max(a, b)));
            var bounds = cuts.Distinct().Order().Select(c => new Token(c)).ToArray();
            var ranges = bounds.Zip(bounds.Skip(1), (s, e) => (s, e)).ToArray();
            int found = EntireSSTableSelection.RangeHolding(min, max, ranges);
            int expected = Array.FindIndex(ranges, r => r.s < min && max <= r.e);
            Assert.Equal(expected, found);
            if (found >= 0) Assert.True(ranges[found].s < min && max <= ranges[found].e);
        });
    }

    [Fact]
    public async Task Prepare_flushes_the_memtable_and_offers_the_SSTable_inside_a_range_but_not_one_that_straddles()
    {
        var time = Clock();
        using var dir = new TempDirectory();
        await using var a = Open(dir.Path, time);
        await WriteAsync(a, PksWhere(t => t.Value < 0, 20), time);
        // In the memtable only: the prepare's flush makes it an SSTable.
        Assert.Empty(Generations(dir.Path));
        var offered = Assert.Single(await a.PrepareEntireSSTableStreamAsync(Table, Halves));
        Assert.Single(Generations(dir.Path));
        Assert.Equal(0, offered.RangeIndex);
        Assert.Equal(20, offered.PartitionCount);
        Assert.Equal(SSTableFileNames.DataComponents.Order(), offered.Files.Select(f => f.Component).Order());

        await WriteAsync(a, PksWhere(t => true, 20), time);
        var again = await a.PrepareEntireSSTableStreamAsync(Table, Halves);
        Assert.Equal(2, Generations(dir.Path).Count);
        Assert.Equal([offered.Generation], again.Select(c => c.Generation));
        // The same SSTable does not fit a range that cuts it.
        var cut = new Token((offered.MinToken.Value / 2) + (offered.MaxToken.Value / 2));
        Assert.Empty(await a.PrepareEntireSSTableStreamAsync(Table, [(Token.Minimum, cut), (cut, new Token(0))]));
    }

    [Fact]
    public void A_whole_transfer_gives_byte_identical_files_that_read_back_as_the_source_also_after_reopen()
    {
        Gen.Select(GenOp(40).Array[20, 150], Gen.Int[1, 5000]).Sample((ops, chunk) =>
        {
            var time = Clock();
            using var dirA = new TempDirectory();
            using var dirB = new TempDirectory();
            var a = Open(dirA.Path, time);
            var b = Open(dirB.Path, time);
            try
            {
                ApplyAsync(a, ops, time).GetAwaiter().GetResult();
                a.FlushAsync(Table).GetAwaiter().GetResult();
                a.CompactAsync(Table).GetAwaiter().GetResult();
                var all = (Token.Minimum, Token.Maximum);
                var offered = a.PrepareEntireSSTableStreamAsync(Table, [all]).GetAwaiter().GetResult();
                if (offered.Count == 0)
                {
                    Assert.Empty(ReadAll(a)); // only an empty table has nothing to offer
                    return;
                }
                var result = CopyAsync(a, b, Assert.Single(offered), all, chunk).GetAwaiter().GetResult();
                Assert.Equal(offered[0].PartitionCount, result.Partitions);
                long gen = Assert.Single(Generations(dirB.Path));
                foreach (var c in SSTableFileNames.DataComponents)
                    Assert.Equal(File.ReadAllBytes(SSTableFileNames.PathOf(TableDirectory(dirA.Path), offered[0].Generation, c)),
                        File.ReadAllBytes(SSTableFileNames.PathOf(TableDirectory(dirB.Path), gen, c)));
                string expected = Render(ReadAll(a));
                Assert.Equal(expected, Render(ReadAll(b)));
                b.DisposeAsync().AsTask().GetAwaiter().GetResult();
                b = Open(dirB.Path, time);
                Assert.Equal(expected, Render(ReadAll(b)));
                Assert.Empty(b.VerifyAsync(Table).GetAwaiter().GetResult().Findings);
            }
            finally
            {
                a.DisposeAsync().AsTask().GetAwaiter().GetResult();
                b.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
        }, iter: 30);
    }

    /// <summary>The receiver has data of its own; every refused transfer must leave exactly that.</summary>
    private static async Task RefusedAsync(Func<StorageEngine, StorageEngine, EntireSSTableCandidate, string, Task> transfer)
    {
        var time = Clock();
        using var dirA = new TempDirectory();
        using var dirB = new TempDirectory();
        await using var a = Open(dirA.Path, time);
        await using var b = Open(dirB.Path, time);
        await WriteAsync(a, PksWhere(t => t.Value < 0, 30), time);
        await WriteAsync(b, PksWhere(t => t.Value < 0, 5), time, ts: 2000);
        await b.FlushAsync(Table);
        string before = Render(ReadAll(b));
        string[] filesBefore = FilesIn(dirB.Path);
        var offered = Assert.Single(await a.PrepareEntireSSTableStreamAsync(Table, Negative));
        await Assert.ThrowsAnyAsync<Exception>(() => transfer(a, b, offered, dirB.Path));
        Assert.Equal(filesBefore, FilesIn(dirB.Path));
        Assert.Equal(before, Render(ReadAll(b)));
    }

    [Theory]
    [InlineData(SSTableComponent.Data, 100)]
    [InlineData(SSTableComponent.Index, 40)]
    [InlineData(SSTableComponent.Statistics, 30)]
    [InlineData(SSTableComponent.Filter, 20)]
    [InlineData(SSTableComponent.Summary, 20)]
    public Task A_flipped_byte_in_any_component_is_refused_and_leaves_no_file(SSTableComponent component, long at) =>
        RefusedAsync((a, b, offered, _) => CopyAsync(a, b, offered, Negative[0], tamper: (c, offset, bytes) =>
        {
            if (c == component && offset <= at && at < offset + bytes.Length) bytes[at - offset] ^= 0x20;
            return bytes;
        }));

    [Fact]
    public Task An_SSTable_outside_the_range_it_is_received_for_is_refused() =>
        RefusedAsync((a, b, offered, _) => CopyAsync(a, b, offered, (Token.Minimum, new Token(offered.MaxToken.Value - 1))));

    [Fact]
    public Task An_SSTable_claiming_another_partition_count_is_refused() =>
        RefusedAsync((a, b, offered, _) => CopyAsync(a, b, offered with { PartitionCount = offered.PartitionCount + 1 }, Negative[0]));

    [Fact]
    public Task A_truncated_component_is_refused() =>
        RefusedAsync(async (a, b, offered, _) =>
        {
            using var receiver = b.BeginEntireSSTable(Table, offered, Negative[0].Item1, Negative[0].Item2);
            foreach (var file in offered.Files)
            {
                byte[] bytes = a.ReadEntireSSTableChunk(Table, offered.Generation, file.Component, 0, (int)file.Length)!;
                receiver.Append(file.Component, 0, bytes.AsSpan(0, file.Component == SSTableComponent.Index ? bytes.Length - 1 : bytes.Length));
            }
            await b.CompleteEntireSSTableAsync(Table, receiver);
        });

    [Fact]
    public Task An_abandoned_transfer_deletes_its_partial_files() =>
        RefusedAsync((a, b, offered, dirB) =>
        {
            using (var receiver = b.BeginEntireSSTable(Table, offered, Negative[0].Item1, Negative[0].Item2))
            {
                var data = offered.Files.First(f => f.Component == SSTableComponent.Data);
                receiver.Append(SSTableComponent.Data, 0, a.ReadEntireSSTableChunk(Table, offered.Generation, SSTableComponent.Data, 0, (int)(data.Length / 2))!);
                Assert.NotEmpty(Directory.GetFiles(TableDirectory(dirB), "*.tmp"));
            }
            throw new OperationCanceledException("the stream stopped");
        });

    [Fact]
    public async Task A_receiver_killed_mid_file_leaves_nothing_after_restart_and_a_second_transfer_lands_once()
    {
        var time = Clock();
        using var dirA = new TempDirectory();
        using var dirB = new TempDirectory();
        await using var a = Open(dirA.Path, time);
        await WriteAsync(a, PksWhere(t => t.Value < 0, 30), time);
        var offered = Assert.Single(await a.PrepareEntireSSTableStreamAsync(Table, Negative));
        var b = Open(dirB.Path, time);
        try
        {
            // "Killed": the receiver is never disposed; the process state is whatever is on disk.
            var receiver = b.BeginEntireSSTable(Table, offered, Negative[0].Item1, Negative[0].Item2);
            foreach (var file in offered.Files.Where(f => f.Component is SSTableComponent.Data or SSTableComponent.Index))
                receiver.Append(file.Component, 0, a.ReadEntireSSTableChunk(Table, offered.Generation, file.Component, 0, (int)file.Length)!);
            var summary = offered.Files.First(f => f.Component == SSTableComponent.Summary);
            receiver.Append(SSTableComponent.Summary, 0, a.ReadEntireSSTableChunk(Table, offered.Generation, SSTableComponent.Summary, 0, (int)summary.Length - 3)!);
            Assert.NotEmpty(Directory.GetFiles(TableDirectory(dirB.Path), "*.tmp"));
            await b.DisposeAsync();
            b = Open(dirB.Path, time);
            Assert.DoesNotContain(FilesIn(dirB.Path), f => f.StartsWith("rs-", StringComparison.Ordinal));
            Assert.Empty(ReadAll(b));

            await CopyAsync(a, b, offered, Negative[0]);
            Assert.Single(Generations(dirB.Path));
            Assert.Equal(Render(ReadAll(a)), Render(ReadAll(b)));
        }
        finally
        {
            await b.DisposeAsync();
        }
    }
}
