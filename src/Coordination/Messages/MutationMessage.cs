using System.Buffers;
using MessagePack;
using RingStore.Core.Data;
using RingStore.Core.Serialization;

namespace RingStore.Coordination;

/// <summary>
/// A write (or a read repair, or a replayed hint) sent to a replica: one partition update in DataSerializer's
/// encoding, the same bytes the replica's commit log will hold.
/// </summary>
[MessagePackObject]
public sealed record MutationMessage(
    [property: Key(0)] int Version,
    [property: Key(1)] byte[] Update)
{
    public static MutationMessage For(PartitionUpdate update) =>
        new(CoordinationMessageSerializer.CurrentVersion, DataSerializer.Serialize(update));

    /// <exception cref="FormatException">The bytes are not a partition update.</exception>
    public PartitionUpdate ToUpdate() => DataSerializer.ReadPartitionUpdate(Update);

    /// <summary>
    /// The partition update of an encoded message, read in place: a replica decodes one per write, and materializing
    /// the message first copied the update's bytes into an array of their own. Reads the same fields as the full
    /// decode (an array of at least two, the version an integer, the update bytes); any later field is ignored.
    /// </summary>
    /// <exception cref="FormatException">The bytes are not a MutationMessage or its update is malformed.</exception>
    public static PartitionUpdate ReadUpdate(ReadOnlyMemory<byte> message) => DataSerializer.ReadPartitionUpdate(ReadUpdateBytes(message).Span);

    /// <summary>
    /// The encoded update inside an encoded message, as a slice of it (no copy, no decoding): what the replica hands
    /// its engine, whose commit log stores exactly these bytes (issue 20). The update itself is not checked here.
    /// </summary>
    /// <exception cref="FormatException">The bytes are not a MutationMessage.</exception>
    public static ReadOnlyMemory<byte> ReadUpdateBytes(ReadOnlyMemory<byte> message)
    {
        ReadOnlySequence<byte>? update;
        try
        {
            var reader = new MessagePackReader(message);
            int fields = reader.ReadArrayHeader();
            if (fields < 2) throw new FormatException($"Malformed {nameof(MutationMessage)}: {fields} fields, expected 2.");
            reader.ReadInt32(); // the version: the update's encoding is the same in every version so far
            update = reader.ReadBytes();
        }
        catch (Exception e) when (e is MessagePackSerializationException or EndOfStreamException)
        {
            throw new FormatException($"Malformed {nameof(MutationMessage)}.", e);
        }
        if (update is not { } bytes) throw new FormatException($"Malformed {nameof(MutationMessage)}: no update.");
        // A reader over one block of memory hands back slices of that block.
        return bytes.IsSingleSegment ? bytes.First : bytes.ToArray();
    }
}
