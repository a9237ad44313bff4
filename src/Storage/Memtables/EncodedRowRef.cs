using RingStore.Core.Data;
using RingStore.Core.Serialization;

namespace RingStore.Storage.Memtables;

/// <summary>Where one row's encoding (<see cref="DataSerializer.WriteRow"/>) lies in a memtable arena chunk.</summary>
internal readonly struct EncodedRowRef(byte[] chunk, int offset, int length)
{
    public ReadOnlySpan<byte> Bytes => chunk.AsSpan(offset, length);

    public ReadOnlyMemory<byte> Memory => chunk.AsMemory(offset, length);

    public int Length => length;

    public ReadOnlySpan<byte> Clustering => DataSerializer.ReadRowClustering(Bytes);

    public Row Decode()
    {
        var reader = new BinaryReaderSpan(Bytes);
        return DataSerializer.ReadRow(ref reader);
    }
}
