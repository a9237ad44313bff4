using CsCheck;
using RingStore.Core.Data;
using RingStore.Core.Serialization;

namespace RingStore.Core.Tests.Serialization;

public class EncodedRowReaderTests
{
    [Fact]
    public void Reads_the_same_metadata_as_decoding_the_row()
    {
        DataSerializerTests.Row.Sample(row =>
        {
            var w = new BinaryWriterBuffer();
            DataSerializer.WriteRow(w, row);
            var reader = new EncodedRowReader(w.WrittenSpan);

            Assert.Equal(Convert.ToHexString(row.Clustering), Convert.ToHexString(reader.Clustering));
            Assert.Equal(row.Liveness, reader.Liveness);
            Assert.Equal(row.Deletion, reader.Deletion);
            foreach (var cell in row.Cells)
            {
                Assert.True(reader.TryReadCell(out var read));
                Assert.Equal(new CellMetadata(cell.Column, cell.TimestampMicros, cell.TtlSeconds, cell.LocalDeletionTimeSeconds, cell.IsTombstone), read);
            }
            Assert.False(reader.TryReadCell(out _));
        }, iter: 3000);
    }

    [Fact]
    public void A_truncated_row_is_a_FormatException()
    {
        var w = new BinaryWriterBuffer();
        DataSerializer.WriteRow(w, new Row([1, 2], LivenessInfo.At(5), DeletionTime.Live, [Cell.Live(0, 5, [9, 9, 9, 9])]));
        var truncated = w.WrittenSpan[..^2].ToArray();
        Assert.Throws<FormatException>(() =>
        {
            var reader = new EncodedRowReader(truncated);
            while (reader.TryReadCell(out _)) { }
        });
    }
}
