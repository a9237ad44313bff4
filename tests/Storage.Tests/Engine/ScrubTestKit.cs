using System.Text;
using RingStore.Core.Data;
using RingStore.Core.Reads;
using RingStore.Storage.Engine;
using static RingStore.Storage.Tests.Engine.EngineTestKit;

namespace RingStore.Storage.Tests.Engine;

/// <summary>
/// A table written from a model (partition id → rows of distinctive values), flushed to one SSTable, bytes flipped in
/// its files, and the checks every scrub must pass: intact partitions read back exactly, lost or damaged ones are
/// reported and read back as a subset of what was written, nothing fails to read.
/// </summary>
internal static class ScrubTestKit
{
    public static string Bucket(long id) => $"bucket-{id:D5}";

    public static byte[] Key(long id) => Pk(id, Bucket(id));

    /// <summary>A value that names its partition and row, so a test can find its bytes in the Data file.</summary>
    public static byte[] Value(long id, long ck, int size)
    {
        var text = Encoding.ASCII.GetBytes($"<{id:D5}:{ck:D5}>");
        var value = new byte[Math.Max(size, text.Length)];
        for (int i = 0; i < value.Length; i++) value[i] = text[i % text.Length];
        return value;
    }

    public sealed class Model
    {
        public SortedDictionary<long, SortedDictionary<long, byte[]>> Partitions { get; } = [];

        public long RowCount => Partitions.Values.Sum(p => p.Count);
    }

    public static async Task<Model> WriteAndFlush(StorageEngine engine, int partitions, Func<long, int> rowsOf, int valueSize)
    {
        var model = new Model();
        for (long id = 0; id < partitions; id++)
        {
            var rows = new SortedDictionary<long, byte[]>();
            for (long ck = 0; ck < rowsOf(id); ck++) rows[ck] = Value(id, ck, valueSize);
            model.Partitions[id] = rows;
            foreach (var batch in rows.Chunk(200))
                await engine.ApplyAsync(new PartitionUpdate(Table, Key(id), DeletionTime.Live, [],
                    batch.Select(r => ValueRow(r.Key, r.Value, 1)).ToArray()));
        }
        await engine.FlushAsync();
        return model;
    }

    public static string SSTableFile(string dir, string component) =>
        Assert.Single(Directory.GetFiles(dir, $"*-{component}.db", SearchOption.AllDirectories));

    /// <summary>Inverts one byte of <paramref name="path"/> at <paramref name="offset"/> (in place, as a failing disk would).</summary>
    public static void Flip(string path, long offset)
    {
        using var f = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
        f.Position = offset;
        int b = f.ReadByte();
        f.Position = offset;
        f.WriteByte((byte)~b);
    }

    /// <summary>Flips a byte in the middle of the first occurrence of <paramref name="pattern"/> in the file.</summary>
    public static long FlipInside(string path, byte[] pattern)
    {
        var bytes = File.ReadAllBytes(path);
        int at = bytes.AsSpan().IndexOf(pattern);
        Assert.True(at >= 0, $"pattern not found in {path}");
        long offset = at + (pattern.Length / 2);
        Flip(path, offset);
        return offset;
    }

    public static IReadOnlyList<Row> ReadAll(StorageEngine engine, long id) =>
        engine.Read(SliceQuery.WholePartition(Table, Key(id))).Rows;

    /// <summary>
    /// Every partition the scrub did not report reads back exactly as written; every reported one reads back (no
    /// error) as a subset of what was written. Returns the ids reported lost or damaged.
    /// </summary>
    public static HashSet<long> CheckAgainstModel(StorageEngine engine, Model model, ScrubResult result)
    {
        var reported = result.LostKeys.Select(Convert.ToHexString).ToHashSet(StringComparer.Ordinal);
        var lost = new HashSet<long>();
        foreach (var (id, rows) in model.Partitions)
        {
            var read = ReadAll(engine, id);
            bool isReported = reported.Contains(Convert.ToHexString(Key(id)));
            if (isReported) lost.Add(id);
            else Assert.True(read.Count == rows.Count, $"partition {id}: {read.Count} rows read, {rows.Count} written, not reported lost");
            foreach (var row in read)
            {
                long ck = CkValue(row);
                Assert.True(rows.TryGetValue(ck, out var value), $"partition {id}: row {ck} was never written");
                Assert.Equal(value, row.Cells[0].Value);
            }
        }
        Assert.Equal(reported.Count, lost.Count); // every reported key is one that was written
        long rowsRead = model.Partitions.Keys.Sum(id => (long)ReadAll(engine, id).Count);
        Assert.Equal(result.RowsKept, rowsRead);
        Assert.Equal(model.RowCount, result.RowsKept + result.RowsDropped);
        Assert.Equal(model.Partitions.Count, result.PartitionsKept + result.PartitionsDropped);
        return lost;
    }
}
