using CsCheck;
using RingStore.Client.Protos;
using RingStore.Core.Partitioning;
using RingStore.Core.Schema;
using RingStore.Core.Values;
using RingStore.Cql;
using RingStore.Cql.Ast;
using RingStore.Gossip.Ring;
using RingStore.Node.Cql;
using RingStore.Node.Requests;

namespace RingStore.Node.Tests.Cql;

/// <summary>Properties of the executor's pure parts: clustering slices against a model, range pieces, paging state.</summary>
public sealed class CqlPlanningPropertyTests
{
    private static TableSchema Table(ClusteringOrder order) => new("ks", "t",
        [new ColumnDefinition("pk", Core.Schema.ColumnType.BigInt)],
        [new ClusteringColumn("a", Core.Schema.ColumnType.Int, order), new ClusteringColumn("b", Core.Schema.ColumnType.Int, ClusteringOrder.Desc)],
        [new ColumnDefinition("v", Core.Schema.ColumnType.Text)]);

    private static readonly string[] Operators = [">", ">=", "<", "<="];

    [Fact]
    public void Clustering_slices_select_exactly_the_keys_the_restrictions_describe_in_asc_and_desc_columns()
    {
        Gen.Select(Gen.Bool, Gen.Int[0, 3], Gen.Int[0, 9].Array[0, 3], Gen.Select(Gen.Int[0, 3], Gen.Int[0, 9]).Array[0, 2])
            .Sample((desc, prefixLength, inValues, bounds) =>
            {
                var table = Table(desc ? ClusteringOrder.Desc : ClusteringOrder.Asc);
                // a = x (or IN) restricts the first column, then ranges on b; or ranges on a alone.
                bool onB = prefixLength > 0 && inValues.Length > 0;
                var distinctBounds = bounds.DistinctBy(b => Operators[b.Item1][0]).ToArray();
                var where = new List<string> { "pk = 1" };
                if (onB) where.Add($"a IN ({string.Join(", ", inValues)})");
                where.AddRange(distinctBounds.Select(b => $"{(onB ? "b" : "a")} {Operators[b.Item1]} {b.Item2}"));
                var select = (SelectStatement)CqlParser.Parse($"SELECT * FROM t WHERE {string.Join(" AND ", where)}");
                var clause = WhereClause.Analyze(table, select.Where);
                var selection = ClusteringSelection.Build(clause, new TermBinder(BoundValues.None, 0));
                var slices = selection.Slices();

                for (int a = 0; a < 10; a++)
                {
                    for (int b = 0; b < 10; b++)
                    {
                        byte[] key = ClusteringKeyCodec.Encode(table.Clustering, [a, b]);
                        bool expected = (!onB || inValues.Contains(a)) && distinctBounds.All(r => Holds(onB ? b : a, Operators[r.Item1], r.Item2));
                        Assert.Equal(expected, slices.Any(s => s.Contains(key)));
                    }
                }
                // Slices come in stored order and do not overlap, so reading them in order gives clustering order.
                for (int i = 1; i < slices.Count; i++) Assert.True(slices[i - 1].Start.Prefix.AsSpan().SequenceCompareTo(slices[i].Start.Prefix) < 0);
            });
    }

    private static bool Holds(int value, string op, int bound) => op switch
    {
        ">" => value > bound,
        ">=" => value >= bound,
        "<" => value < bound,
        _ => value <= bound,
    };

    [Fact]
    public void Range_pieces_cover_the_interval_contiguously_with_no_ring_token_inside_a_piece()
    {
        Gen.Select(Gen.Long.Array[1, 20], Gen.Long, Gen.Long).Sample((tokens, x, y) =>
        {
            var ring = RingSnapshot.Create([new RingMember(new NodeInfo("n1"), tokens.Where(t => t != long.MinValue).Distinct().Select(t => new Token(t)).ToList() is { Count: > 0 } l ? l : [new Token(0)])]);
            long start = Math.Min(x, y), end = Math.Max(x, y);
            if (start == end) return;
            var pieces = RangeReadCoordinator.Pieces(ring, start, end).ToList();
            Assert.Equal(start, pieces[0].Start);
            Assert.Equal(end, pieces[^1].End);
            for (int i = 0; i < pieces.Count; i++)
            {
                Assert.True(pieces[i].Start < pieces[i].End);
                if (i > 0) Assert.Equal(pieces[i - 1].End, pieces[i].Start);
                var (s, e) = pieces[i];
                Assert.DoesNotContain(Enumerable.Range(0, ring.VnodeCount).Select(ring.TokenAt), t => t.Value > s && t.Value < e);
            }
        });
    }

    [Fact]
    public void Paging_state_round_trips_and_garbage_is_an_invalid_request()
    {
        Gen.Select(Gen.Int[0, 1000], Gen.Byte.Array[0, 20], Gen.Long[0, long.MaxValue], Gen.Long, Gen.Byte.Array[0, 20], Gen.Bool)
            .Sample((segment, clustering, rows, token, key, nulls) =>
            {
                var state = new CqlPagingState(segment, nulls ? null : clustering, rows, token, nulls ? null : key);
                var parsed = CqlPagingState.Parse(state.Serialize())!;
                Assert.Equal((state.Segment, state.RowsSoFar, state.Token), (parsed.Segment, parsed.RowsSoFar, parsed.Token));
                Assert.Equal(state.Clustering, parsed.Clustering);
                Assert.Equal(state.PartitionKey, parsed.PartitionKey);
            });
        Assert.Null(CqlPagingState.Parse([]));
        Assert.Throws<Core.Errors.InvalidRequestException>(() => CqlPagingState.Parse([1, 0xFF]));
        Assert.Throws<Core.Errors.InvalidRequestException>(() => CqlPagingState.Parse([9]));
    }

    [Fact]
    public void Bind_markers_are_type_checked_against_the_column_they_meet()
    {
        var binder = new TermBinder(new RingStore.Node.Api.ProtoBoundValues([new Value { Text = "x" }, new Value()]), 2);
        Assert.Equal("x", binder.Value(new BindMarker(0), Core.Schema.ColumnType.Text, "v"));
        Assert.Null(binder.Value(new BindMarker(1), Core.Schema.ColumnType.Text, "v"));
        Assert.Throws<Core.Errors.InvalidRequestException>(() => binder.Value(new BindMarker(0), Core.Schema.ColumnType.BigInt, "id"));
        Assert.Equal("Invalid null value in condition for column id",
            Assert.Throws<Core.Errors.InvalidRequestException>(() => binder.KeyValue(new BindMarker(1), new ColumnRef(ColumnKind.PartitionKey, 0, "id", Core.Schema.ColumnType.Text))).Message);
    }
}
