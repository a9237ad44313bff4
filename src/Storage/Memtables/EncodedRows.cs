namespace RingStore.Storage.Memtables;

/// <summary>
/// The encoded rows of one update, as the engine already serialized them for the commit log: row i is
/// Bytes[Bounds[i]..Bounds[i + 1]] (<see cref="Core.Serialization.DataSerializer.WritePartitionUpdate(Core.Serialization.BinaryWriterBuffer, Core.Data.PartitionUpdate, Span{int})"/>).
/// Lets the memtable keep the rows' bytes without encoding them again. Default: not available.
/// </summary>
public readonly ref struct EncodedRows(ReadOnlySpan<byte> bytes, ReadOnlySpan<int> bounds)
{
    public ReadOnlySpan<byte> Bytes { get; } = bytes;

    /// <summary>Rows.Count + 1 offsets into <see cref="Bytes"/>; empty when the encoding is not available.</summary>
    public ReadOnlySpan<int> Bounds { get; } = bounds;

    public bool IsAvailable => !Bounds.IsEmpty;

    /// <summary>How many rows (0 when not available).</summary>
    public int Count => Bounds.IsEmpty ? 0 : Bounds.Length - 1;

    /// <summary>Row <paramref name="i"/>'s encoding.</summary>
    public ReadOnlySpan<byte> Row(int i) => Bytes[Bounds[i]..Bounds[i + 1]];
}
