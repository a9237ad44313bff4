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
}
