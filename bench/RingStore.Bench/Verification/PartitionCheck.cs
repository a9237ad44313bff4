using RingStore.Bench.Workloads;
using RingStore.Client.Protos;

namespace RingStore.Bench.Verification;

/// <summary>
/// Compares what a read of one partition returned with the writes acknowledged for it: each acknowledged row must
/// be there with exactly the value written (values are derived from the key, see <see cref="ReadingValue"/>).
/// Rows the benchmark never saw acknowledged (a failed write that still landed) are fine.
/// </summary>
public static class PartitionCheck
{
    public static PartitionCheckResult Compare(IReadOnlyCollection<AckedWrite> expected, ReadResponse response, int valueBytes)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(response);
        int ts = ColumnIndex(response, "ts"), v = ColumnIndex(response, "v");
        var found = new Dictionary<long, Value>();
        if (ts >= 0 && v >= 0)
            foreach (var row in response.Rows) found[row.Values[ts].Bigint] = row.Values[v];
        int missing = 0, wrong = 0;
        foreach (var write in expected)
        {
            if (!found.TryGetValue(write.TimestampMillis, out var value)) missing++;
            else if (value.KindCase != Value.KindOneofCase.Blob || !ReadingValue.Matches(write.Id, write.TimestampMillis, valueBytes, value.Blob.Span)) wrong++;
        }
        return new PartitionCheckResult(expected.Count, missing, wrong);
    }

    /// <summary>Whether a single-row read holds the acknowledged row with its value.</summary>
    public static bool Holds(AckedWrite write, ReadResponse response, int valueBytes) =>
        Compare([write], response, valueBytes) is { Missing: 0, WrongValue: 0 };

    private static int ColumnIndex(ReadResponse response, string name)
    {
        for (int i = 0; i < response.Columns.Count; i++)
            if (response.Columns[i].Name == name) return i;
        return -1;
    }
}
