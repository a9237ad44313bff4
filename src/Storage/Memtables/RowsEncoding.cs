using System.Buffers;
using RingStore.Core.Data;
using RingStore.Core.Serialization;

namespace RingStore.Storage.Memtables;

/// <summary>
/// Rows encoded (<see cref="DataSerializer.WriteRow"/>) into a pooled buffer, for writers that start from Row objects
/// without an encoding of their own (commit-log replay, index entries): the memtable takes rows only as bytes.
/// Dispose gives the buffers back.
/// </summary>
internal readonly struct RowsEncoding : IDisposable
{
    private readonly BinaryWriterBuffer _buffer;
    private readonly int[] _bounds;
    private readonly int _count;

    private RowsEncoding(BinaryWriterBuffer buffer, int[] bounds, int count)
    {
        _buffer = buffer;
        _bounds = bounds;
        _count = count;
    }

    public static RowsEncoding Of(IReadOnlyList<Row> rows)
    {
        var buffer = BinaryWriterBufferPool.Shared.Rent();
        int[] bounds = ArrayPool<int>.Shared.Rent(rows.Count + 1);
        bounds[0] = 0;
        for (int i = 0; i < rows.Count; i++) // indexed: no boxed enumerator
        {
            DataSerializer.WriteRow(buffer, rows[i]);
            bounds[i + 1] = buffer.Length;
        }
        return new RowsEncoding(buffer, bounds, rows.Count);
    }

    public EncodedRows Rows => new(_buffer.WrittenSpan, _bounds.AsSpan(0, _count + 1));

    public void Dispose()
    {
        ArrayPool<int>.Shared.Return(_bounds);
        BinaryWriterBufferPool.Shared.Return(_buffer);
    }
}
