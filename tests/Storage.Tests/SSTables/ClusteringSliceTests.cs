using RingStore.Core.Data;
using RingStore.Core.Schema;
using RingStore.Core.Values;
using RingStore.Storage.IO;
using RingStore.Storage.SSTables;

namespace RingStore.Storage.Tests.SSTables;

/// <summary>Slices over a real two-column clustering key (a bigint ASC, b text DESC), with a row index in play.</summary>
public sealed class ClusteringSliceTests : IDisposable
{
    private static readonly ClusteringColumn[] Columns = [new("a", ColumnType.BigInt), new("b", ColumnType.Text, ClusteringOrder.Desc)];
    private static readonly string[] TextsDesc = ["zz", "z", "y", "x", ""];
    private static readonly byte[] Key = [0, 8, 0, 0, 0, 0, 0, 0, 0, 42];

    private readonly TempDirectory _dir = new();
    private readonly SSTableReader _reader;

    public ClusteringSliceTests()
    {
        var rows = new List<Row>();
        for (long a = 0; a < 20; a++)
        foreach (string b in TextsDesc)
            rows.Add(new Row(Encode(a, b), LivenessInfo.At(a), DeletionTime.Live, [Cell.Live(0, 1, new byte[200])]));
        // Rows must already be in memcmp order; the codec promises that matches (a ASC, b DESC).
        Assert.Equal(rows.Select(r => Convert.ToHexString(r.Clustering)), TestData.SortRows(rows).Select(r => Convert.ToHexString(r.Clustering)));
        _reader = TestData.Write(PhysicalFileSystem.Instance, _dir.Path, 1, [new TestPartition(Key, DeletionTime.Live, [], rows.ToArray())],
            new SSTableWriterOptions { BlockSizeBytes = 512, RowIndexIntervalBytes = 1024 });
    }

    public void Dispose()
    {
        _reader.Dispose();
        _dir.Dispose();
    }

    private static byte[] Encode(params object?[] values) => ClusteringKeyCodec.Encode(Columns, values);

    private List<string> Read(ClusteringBound start, ClusteringBound end, bool reversed) =>
        _reader.ReadPartition(Key, new ClusteringSlice(start, end), reversed)!.Rows
            .Select(r => ClusteringKeyCodec.Decode(Columns, r.Clustering))
            .Select(v => $"{v[0]}:{v[1]}").ToList();

    private static List<string> Expect(IEnumerable<long> aValues, bool reversed, Func<long, string, bool>? keep = null)
    {
        var list = new List<string>();
        foreach (long a in aValues)
        foreach (string b in TextsDesc)
            if (keep?.Invoke(a, b) ?? true) list.Add($"{a}:{b}");
        if (reversed) list.Reverse();
        return list;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Prefix_bounds_inclusive_start_exclusive_end(bool reversed) =>
        Assert.Equal(Expect([5, 6, 7], reversed), Read(new(Encode(5L), true), new(Encode(8L), false), reversed));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Prefix_bounds_exclusive_start_inclusive_end(bool reversed) =>
        Assert.Equal(Expect([6, 7, 8], reversed), Read(new(Encode(5L), false), new(Encode(8L), true), reversed));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Full_key_bounds_exclusive_start_inclusive_end(bool reversed)
    {
        // DESC text: within a = 5 the rows after "y" are "x" and "".
        var expected = new List<string> { "5:x", "5:", "6:zz", "6:z", "6:y" };
        if (reversed) expected.Reverse();
        Assert.Equal(expected, Read(new(Encode(5L, "y"), false), new(Encode(6L, "y"), true), reversed));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Full_key_bounds_both_exclusive(bool reversed)
    {
        var expected = new List<string> { "5:x", "5:", "6:zz", "6:z" };
        if (reversed) expected.Reverse();
        Assert.Equal(expected, Read(new(Encode(5L, "y"), false), new(Encode(6L, "y"), false), reversed));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Open_ended_slices(bool reversed)
    {
        Assert.Equal(Expect([17, 18, 19], reversed), Read(new(Encode(17L), true), ClusteringBound.Unbounded, reversed));
        Assert.Equal(Expect([0, 1], reversed), Read(ClusteringBound.Unbounded, new(Encode(2L), false), reversed));
        Assert.Equal(Expect(Enumerable.Range(0, 20).Select(i => (long)i), reversed), Read(ClusteringBound.Unbounded, ClusteringBound.Unbounded, reversed));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Empty_and_single_row_slices(bool reversed)
    {
        Assert.Empty(Read(new(Encode(8L), true), new(Encode(5L), true), reversed));
        Assert.Empty(Read(new(Encode(30L), true), ClusteringBound.Unbounded, reversed));
        Assert.Empty(Read(new(Encode(7L), false), new(Encode(8L), false), reversed));
        Assert.Equal(["9:z"], Read(new(Encode(9L, "z"), true), new(Encode(9L, "z"), true), reversed));
    }
}
