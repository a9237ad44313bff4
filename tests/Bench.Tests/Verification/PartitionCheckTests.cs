using Google.Protobuf;
using RingStore.Bench.Verification;
using RingStore.Bench.Workloads;
using RingStore.Client.Protos;

namespace RingStore.Bench.Tests.Verification;

public sealed class PartitionCheckTests
{
    private static ReadResponse Rows(params (long Ts, byte[] Value)[] rows)
    {
        var response = new ReadResponse();
        foreach (string name in new[] { "id", "time_bucket", "salt", "ts", "v" }) response.Columns.Add(new ColumnDef { Name = name });
        foreach (var (ts, value) in rows)
        {
            var row = new ResultRow();
            row.Values.Add(new Value { Bigint = 1 });
            row.Values.Add(new Value { Text = "b" });
            row.Values.Add(new Value { Int = 0 });
            row.Values.Add(new Value { Bigint = ts });
            row.Values.Add(new Value { Blob = ByteString.CopyFrom(value) });
            response.Rows.Add(row);
        }
        return response;
    }

    [Fact]
    public void Counts_missing_rows_and_wrong_values_and_ignores_unacknowledged_rows()
    {
        AckedWrite[] acked = [new(1, "b", 10), new(1, "b", 11), new(1, "b", 12)];
        var response = Rows((10, ReadingValue.For(1, 10, 16)), (11, ReadingValue.For(1, 999, 16)), (13, ReadingValue.For(1, 13, 16)));
        Assert.Equal(new PartitionCheckResult(3, 1, 1), PartitionCheck.Compare(acked, response, 16));
        Assert.True(PartitionCheck.Holds(acked[0], response, 16));
        Assert.False(PartitionCheck.Holds(acked[1], response, 16));
        Assert.False(PartitionCheck.Holds(acked[2], response, 16));
        Assert.Equal(new PartitionCheckResult(1, 1, 0), PartitionCheck.Compare([acked[0]], new ReadResponse(), 16));
    }
}
