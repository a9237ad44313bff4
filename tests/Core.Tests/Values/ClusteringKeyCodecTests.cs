using CsCheck;
using RingStore.Core.Data;
using RingStore.Core.Errors;
using RingStore.Core.Schema;
using RingStore.Core.Tests.Support;
using RingStore.Core.Values;

namespace RingStore.Core.Tests.Values;

public class ClusteringKeyCodecTests
{
    private const int Iter = 3000;

    public static TheoryData<ColumnType, ClusteringOrder> TypesAndOrders()
    {
        var data = new TheoryData<ColumnType, ClusteringOrder>();
        foreach (var t in ClusteringValues.AllTypes)
        {
            data.Add(t, ClusteringOrder.Asc);
            data.Add(t, ClusteringOrder.Desc);
        }
        return data;
    }

    /// <summary>A random schema of 1..3 clustering columns.</summary>
    private static readonly Gen<ClusteringColumn[]> Columns =
        Gen.Select(Gen.OneOf(ClusteringValues.AllTypes), Gen.Enum<ClusteringOrder>())
            .Array[1, 3]
            .Select(cs => cs.Select((c, i) => new ClusteringColumn("c" + i, c.Item1, c.Item2)).ToArray());

    private static Gen<object[]> KeyFor(ClusteringColumn[] cols) =>
        cols.Aggregate(Gen.Const(Array.Empty<object>()),
            (acc, c) => Gen.Select(acc, ClusteringValues.For(c.Type)).Select((xs, x) => (object[])[.. xs, x]));

    /// <summary>Two keys of one schema; the second often shares a leading part of the first so later columns decide.</summary>
    private static readonly Gen<(ClusteringColumn[] Cols, object[] A, object[] B)> KeyPairs =
        Columns.SelectMany(cols => Gen.Select(KeyFor(cols), KeyFor(cols), Gen.Int[0, cols.Length])
            .Select((a, b, shared) =>
            {
                var b2 = (object[])b.Clone();
                Array.Copy(a, b2, shared);
                return (cols, a, b2);
            }));

    /// <summary>Model: lexicographic comparison of (prefixes of) keys in clustering order.</summary>
    private static int NaturalCompare(ClusteringColumn[] cols, IReadOnlyList<object> a, IReadOnlyList<object> b)
    {
        int n = Math.Min(a.Count, b.Count);
        for (int i = 0; i < n; i++)
        {
            int c = ClusteringValues.Compare(cols[i].Type, a[i], b[i]);
            if (c != 0) return cols[i].Order == ClusteringOrder.Desc ? -c : c;
        }
        return 0;
    }

    private static string Show(ClusteringColumn[] cols, object[] a, object[] b) =>
        $"cols=[{string.Join(", ", cols.Select(c => $"{c.Type} {c.Order}"))}] a=({string.Join(", ", a.Select(ClusteringValues.Show))}) b=({string.Join(", ", b.Select(ClusteringValues.Show))})";

    [Theory]
    [MemberData(nameof(TypesAndOrders))]
    public void Memcmp_order_equals_natural_order_single_column(ColumnType type, ClusteringOrder order)
    {
        var cols = new[] { new ClusteringColumn("c", type, order) };
        var gen = ClusteringValues.For(type);
        Gen.Select(gen, gen).Sample((a, b) =>
        {
            int expected = Math.Sign(ClusteringValues.Compare(type, a, b)) * (order == ClusteringOrder.Desc ? -1 : 1);
            int actual = Math.Sign(ClusteringValues.CompareUnsigned(ClusteringKeyCodec.Encode(cols, [a]), ClusteringKeyCodec.Encode(cols, [b])));
            Assert.Equal(expected, actual);
        }, iter: Iter, print: t => $"a={ClusteringValues.Show(t.Item1)} b={ClusteringValues.Show(t.Item2)}");
    }

    [Theory]
    [MemberData(nameof(TypesAndOrders))]
    public void Decode_inverts_encode_single_column(ColumnType type, ClusteringOrder order)
    {
        var cols = new[] { new ClusteringColumn("c", type, order) };
        ClusteringValues.For(type).Sample(v =>
        {
            object[] back = ClusteringKeyCodec.Decode(cols, ClusteringKeyCodec.Encode(cols, [v]));
            Assert.Single(back);
            Assert.True(ClusteringValues.ValueEquals(type, v, back[0]), $"{ClusteringValues.Show(v)} decoded as {ClusteringValues.Show(back[0])}");
            // Decoding gives the CLR type Encode accepts, so re-encoding is stable.
            Assert.Equal(ClusteringKeyCodec.Encode(cols, [v]), ClusteringKeyCodec.Encode(cols, back));
        }, iter: Iter, print: ClusteringValues.Show);
    }

    [Fact]
    public void Memcmp_order_equals_natural_order_multi_column()
    {
        KeyPairs.Sample((cols, a, b) =>
        {
            int expected = Math.Sign(NaturalCompare(cols, a, b));
            int actual = Math.Sign(ClusteringValues.CompareUnsigned(ClusteringKeyCodec.Encode(cols, a), ClusteringKeyCodec.Encode(cols, b)));
            Assert.Equal(expected, actual);
        }, iter: 10_000, print: t => Show(t.Item1, t.Item2, t.Item3));
    }

    [Fact]
    public void Decode_inverts_encode_multi_column_and_prefixes()
    {
        Columns.SelectMany(cols => Gen.Select(KeyFor(cols), Gen.Int[0, cols.Length]).Select((k, n) => (cols, k[..n])))
            .Sample((cols, key) =>
            {
                object[] back = ClusteringKeyCodec.Decode(cols, ClusteringKeyCodec.Encode(cols, key));
                Assert.Equal(key.Length, back.Length);
                for (int i = 0; i < key.Length; i++)
                    Assert.True(ClusteringValues.ValueEquals(cols[i].Type, key[i], back[i]));
            }, iter: 5000, print: t => Show(t.Item1, t.Item2, []));
    }

    [Fact]
    public void Encoding_is_prefix_free_and_prefix_of_full_key()
    {
        // The encoding of a prefix is a byte prefix of the full key's encoding: what slice bounds rely on.
        Columns.SelectMany(cols => KeyFor(cols).Select(k => (cols, k))).Sample((cols, key) =>
        {
            byte[] full = ClusteringKeyCodec.Encode(cols, key);
            for (int n = 0; n <= key.Length; n++)
                Assert.True(full.AsSpan().StartsWith(ClusteringKeyCodec.Encode(cols, key[..n])));
        }, iter: 3000, print: t => Show(t.Item1, t.Item2, []));
    }

    /// <summary>
    /// CQL semantics of a bound given as a clustering prefix P (|P| &lt;= columns): compare the key's first |P|
    /// components with P in clustering order; start inclusive admits &gt;= 0, start exclusive &gt; 0,
    /// end inclusive &lt;= 0, end exclusive &lt; 0. So (1) inclusive end admits every (1, *) and
    /// (1) exclusive start excludes every (1, *).
    /// </summary>
    [Fact]
    public void Prefix_bounds_admit_as_cql_expects()
    {
        var gen = KeyPairs.SelectMany(t => Gen.Select(Gen.Int[1, t.Cols.Length], Gen.Bool, Gen.Bool)
            .Select((n, incStart, incEnd) => (t.Cols, t.A, Bound: t.B[..n], incStart, incEnd)));
        gen.Sample(t =>
        {
            var (cols, key, prefix, incStart, incEnd) = t;
            byte[] k = ClusteringKeyCodec.Encode(cols, key);
            byte[] p = ClusteringKeyCodec.Encode(cols, prefix);
            int cmp = NaturalCompare(cols, key, prefix);
            var start = new ClusteringBound(p, incStart);
            var end = new ClusteringBound(p, incEnd);
            Assert.Equal(incStart ? cmp >= 0 : cmp > 0, start.AdmitsAsStart(k));
            Assert.Equal(incEnd ? cmp <= 0 : cmp < 0, end.AdmitsAsEnd(k));
            Assert.Equal((incStart ? cmp >= 0 : cmp > 0) && (incEnd ? cmp <= 0 : cmp < 0), new ClusteringSlice(start, end).Contains(k));
        }, iter: 10_000, print: t => Show(t.Cols, t.A, t.Item3) + $" incStart={t.incStart} incEnd={t.incEnd}");
    }

    [Fact]
    public void Slice_between_two_prefixes_matches_model()
    {
        var gen = Columns.SelectMany(cols => Gen.Select(KeyFor(cols), KeyFor(cols), KeyFor(cols), Gen.Int[0, cols.Length], Gen.Int[0, cols.Length], Gen.Bool, Gen.Bool)
            .Select((k, s, e, ns, ne, incS, incE) => (cols, k, s[..ns], e[..ne], incS, incE)));
        gen.Sample(t =>
        {
            var (cols, key, s, e, incS, incE) = t;
            var slice = new ClusteringSlice(
                s.Length == 0 ? ClusteringBound.Unbounded : new ClusteringBound(ClusteringKeyCodec.Encode(cols, s), incS),
                e.Length == 0 ? ClusteringBound.Unbounded : new ClusteringBound(ClusteringKeyCodec.Encode(cols, e), incE));
            int cs = NaturalCompare(cols, key, s), ce = NaturalCompare(cols, key, e);
            bool expected = (s.Length == 0 || (incS ? cs >= 0 : cs > 0)) && (e.Length == 0 || (incE ? ce <= 0 : ce < 0));
            Assert.Equal(expected, slice.Contains(ClusteringKeyCodec.Encode(cols, key)));
        }, iter: 5000);
    }

    [Theory]
    [InlineData(ClusteringOrder.Asc)]
    [InlineData(ClusteringOrder.Desc)]
    public void Worked_example_bigint_text(ClusteringOrder order)
    {
        var cols = new[] { new ClusteringColumn("a", ColumnType.BigInt, order), new ClusteringColumn("b", ColumnType.Text) };
        byte[] K(long a, string b) => ClusteringKeyCodec.Encode(cols, [a, b]);
        byte[] one = ClusteringKeyCodec.Encode(cols, [1L]);

        var endIncl = new ClusteringBound(one, true);
        var endExcl = new ClusteringBound(one, false);
        var startIncl = new ClusteringBound(one, true);
        var startExcl = new ClusteringBound(one, false);
        foreach (string b in new[] { "", "\0", "a", "zzz", "\uFFFF" })
        {
            Assert.True(endIncl.AdmitsAsEnd(K(1, b)));
            Assert.False(endExcl.AdmitsAsEnd(K(1, b)));
            Assert.True(startIncl.AdmitsAsStart(K(1, b)));
            Assert.False(startExcl.AdmitsAsStart(K(1, b)));
        }
        // 2 comes after 1 in ASC and before it in DESC.
        bool asc = order == ClusteringOrder.Asc;
        Assert.Equal(asc, startExcl.AdmitsAsStart(K(2, "")));
        Assert.Equal(!asc, endExcl.AdmitsAsEnd(K(2, "")));
        Assert.Equal(!asc, startExcl.AdmitsAsStart(K(0, "zzz")));
        Assert.True(ClusteringSlice.Exactly(K(1, "a")).Contains(K(1, "a")));
        Assert.False(ClusteringSlice.Exactly(K(1, "a")).Contains(K(1, "a\0")));
        Assert.True(ClusteringSlice.All.Contains(K(5, "x")));
    }

    [Fact]
    public void Double_special_values_sort_numerically_with_nan_last()
    {
        var cols = new[] { new ClusteringColumn("d", ColumnType.Double) };
        double[] ordered = [double.NegativeInfinity, double.MinValue, -1.0, -double.Epsilon, 0.0, double.Epsilon, 1.0, double.MaxValue, double.PositiveInfinity, double.NaN];
        for (int i = 0; i + 1 < ordered.Length; i++)
            Assert.True(ClusteringValues.CompareUnsigned(ClusteringKeyCodec.Encode(cols, [ordered[i]]), ClusteringKeyCodec.Encode(cols, [ordered[i + 1]])) < 0,
                $"{ordered[i]} should sort before {ordered[i + 1]}");
        Assert.Equal(ClusteringKeyCodec.Encode(cols, [0.0]), ClusteringKeyCodec.Encode(cols, [-0.0]));
        Assert.Equal(ClusteringKeyCodec.Encode(cols, [double.NaN]), ClusteringKeyCodec.Encode(cols, [-double.NaN]));
    }

    [Fact]
    public void Too_many_values_or_wrong_types_are_invalid_requests()
    {
        var cols = new[] { new ClusteringColumn("a", ColumnType.BigInt) };
        Assert.Throws<InvalidRequestException>(() => ClusteringKeyCodec.Encode(cols, [1L, 2L]));
        Assert.Throws<InvalidRequestException>(() => ClusteringKeyCodec.Encode(cols, ["x"]));
        Assert.Throws<InvalidRequestException>(() => ClusteringKeyCodec.Encode(cols, [null]));
    }

    [Fact]
    public void Malformed_encodings_are_invalid_requests()
    {
        var cols = new[] { new ClusteringColumn("a", ColumnType.Text), new ClusteringColumn("b", ColumnType.TimeUuid, ClusteringOrder.Desc) };
        byte[] full = ClusteringKeyCodec.Encode(cols, ["ab\0c", new Guid("00000000-0000-1000-8000-000000000000")]);
        // Every strict truncation either decodes to a prefix or fails with InvalidRequestException.
        for (int n = 0; n < full.Length; n++)
        {
            try { ClusteringKeyCodec.Decode(cols, full.AsSpan(0, n)); }
            catch (InvalidRequestException) { }
        }
        Assert.Throws<InvalidRequestException>(() => ClusteringKeyCodec.Decode(cols, [(byte)'a', 0x00, 0x01]));
        Assert.Throws<InvalidRequestException>(() => ClusteringKeyCodec.Decode(cols, [.. full, 0x42]));
    }
}
