using System.Buffers.Binary;
using RingStore.Core.Data;
using RingStore.Core.Serialization;

namespace RingStore.Storage.Hints;

/// <summary>
/// The payload of one hint-log entry (inside the commit log's checksummed frame, see CommitLog/EntryCodec.cs).
/// Layout (little-endian): [0] hint format version (1) | [1,9) created-at, unix milliseconds | [9, end) the mutation
/// as written by <see cref="DataSerializer.WritePartitionUpdate"/>.
/// The created-at time is the coordinator's clock when the hint was stored; expiry is judged against it at replay.
/// </summary>
internal static class HintRecord
{
    public const int HeaderBytes = 9;
    public const byte FormatVersion = 1;

    public static byte[] Encode(long createdAtUnixMs, PartitionUpdate mutation)
    {
        var writer = new BinaryWriterBuffer(128);
        writer.WriteByte(FormatVersion);
        writer.WriteInt64(createdAtUnixMs);
        DataSerializer.WritePartitionUpdate(writer, mutation);
        return writer.ToArray();
    }

    /// <summary>Reads only the header (cheap: expired hints are dropped without decoding the mutation).</summary>
    public static bool TryReadCreatedAt(ReadOnlySpan<byte> record, out long createdAtUnixMs)
    {
        createdAtUnixMs = 0;
        if (record.Length < HeaderBytes || record[0] != FormatVersion)
            return false;
        createdAtUnixMs = BinaryPrimitives.ReadInt64LittleEndian(record.Slice(1, 8));
        return true;
    }

    /// <summary>Decodes the mutation; false (with a reason) when the record cannot be a hint we wrote.</summary>
    public static bool TryDecodeMutation(ReadOnlySpan<byte> record, out PartitionUpdate? mutation, out string reason)
    {
        mutation = null;
        if (!TryReadCreatedAt(record, out _))
        {
            reason = record.Length < HeaderBytes
                ? $"hint record of {record.Length} bytes is shorter than its {HeaderBytes}-byte header"
                : $"unknown hint format version {record[0]}";
            return false;
        }
        try
        {
            mutation = DataSerializer.ReadPartitionUpdate(record.Slice(HeaderBytes));
            reason = "";
            return true;
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or IndexOutOfRangeException or OverflowException)
        {
            reason = "undecodable mutation: " + ex.Message;
            return false;
        }
    }
}
