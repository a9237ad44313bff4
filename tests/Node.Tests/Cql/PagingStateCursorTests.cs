using CsCheck;
using RingStore.Core.Errors;
using RingStore.Node.Cql;

namespace RingStore.Node.Tests.Cql;

/// <summary>
/// The paging state's format 2 (PER PARTITION LIMIT's row count, the merged IN + ORDER BY cursors): round trips for any
/// values, a state without them stays format 1 (byte-identical to before, so older nodes still read it), and any
/// truncation or garbage is an invalid request, never a crash.
/// </summary>
public sealed class PagingStateCursorTests
{
    private static readonly Gen<SegmentCursor> GenCursor = Gen.Select(Gen.Byte.Array[0, 12], Gen.Long[0, long.MaxValue], Gen.Bool, Gen.Bool,
        (after, rows, done, nullAfter) => new SegmentCursor(nullAfter ? null : after, rows, done));

    private static readonly Gen<CqlPagingState> GenState = Gen.Select(Gen.Int[0, 1000], Gen.Byte.Array[0, 12], Gen.Long[0, long.MaxValue], Gen.Long,
        Gen.Long[0, long.MaxValue], GenCursor.Array[0, 6], Gen.Bool,
        (segment, clustering, rows, token, partitionRows, cursors, noCursors) =>
            new CqlPagingState(segment, clustering, rows, token, clustering) { PartitionRows = partitionRows, Cursors = noCursors ? null : cursors });

    [Fact]
    public void Format_two_round_trips()
    {
        GenState.Sample(state =>
        {
            var parsed = CqlPagingState.Parse(state.Serialize())!;
            Assert.Equal((state.Segment, state.RowsSoFar, state.Token, state.PartitionRows), (parsed.Segment, parsed.RowsSoFar, parsed.Token, parsed.PartitionRows));
            Assert.Equal(state.Clustering, parsed.Clustering);
            Assert.Equal(state.PartitionKey, parsed.PartitionKey);
            Assert.Equal(state.Cursors is null, parsed.Cursors is null);
            Assert.Equal(state.Cursors ?? [], parsed.Cursors ?? [], (a, b) => a.Rows == b.Rows && a.Done == b.Done
                && (a.After is null ? b.After is null : b.After is not null && a.After.AsSpan().SequenceEqual(b.After)));
        });
    }

    [Fact]
    public void Without_the_new_fields_the_state_is_format_one()
    {
        var state = new CqlPagingState(3, [1, 2], 7, -5, [9]);
        Assert.Equal(1, state.Serialize()[0]);
        Assert.Equal(2, (state with { PartitionRows = 1 }).Serialize()[0]);
        Assert.Equal(2, (state with { Cursors = [] }).Serialize()[0]);
    }

    [Fact]
    public void Truncated_or_garbled_states_are_invalid_requests()
    {
        GenState.Where(s => s.PartitionRows > 0 || s.Cursors is not null).Select(Gen.Int[0, 1000], Gen.Byte, (s, cut, b) => (s.Serialize(), cut, b))
            .Sample(x =>
            {
                var (bytes, cut, b) = x;
                var truncated = bytes[..(cut % bytes.Length)];
                if (truncated.Length > 0) Assert.Throws<InvalidRequestException>(() => CqlPagingState.Parse(truncated));
                var garbled = bytes.ToArray();
                garbled[cut % garbled.Length] = b;
                try
                {
                    CqlPagingState.Parse(garbled); // may still be a valid state
                }
                catch (InvalidRequestException)
                {
                }
            });
    }
}
