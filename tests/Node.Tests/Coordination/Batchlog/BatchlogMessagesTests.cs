using RingStore.Coordination;
using RingStore.Coordination.Batchlog;
using RingStore.Core.Data;
using RingStore.Core.Serialization;

namespace RingStore.Node.Tests.Coordination.Batchlog;

public class BatchlogMessagesTests
{
    private static PartitionUpdate Update(string table, byte key, long timestamp, string value) =>
        PartitionUpdate.OfRows(table, [0, 0, 0, 0, 0, 0, 0, key],
            new Row([], LivenessInfo.At(timestamp), DeletionTime.Live, [Cell.Live(0, timestamp, System.Text.Encoding.UTF8.GetBytes(value))]));

    [Fact]
    public void A_batch_round_trips_with_every_mutation_byte_for_byte()
    {
        var updates = new[] { Update("ks.a", 1, 1000, "x"), Update("ks.b", 2, 1000, "y"), PartitionUpdate.DeletePartition("other.c", [9], new DeletionTime(1000, 5)) };
        var id = TimeUuid.Create(DateTimeOffset.UnixEpoch.AddSeconds(1), [1, 2, 3, 4, 5, 6, 7, 8]);
        var message = new BatchStoreMessage(CoordinationMessageSerializer.CurrentVersion, id, Guid.NewGuid(), 1_000_000,
            [.. updates.Select(u => new BatchMutationMessage(u.Table[..u.Table.IndexOf('.', StringComparison.Ordinal)], MutationMessage.For(u)))]);

        var back = CoordinationMessageSerializer.Deserialize<BatchStoreMessage>(CoordinationMessageSerializer.Serialize(message));

        Assert.Equal((message.Version, message.Id, message.Coordinator, message.WrittenAtMicros), (back.Version, back.Id, back.Coordinator, back.WrittenAtMicros));
        Assert.Equal(["ks", "ks", "other"], back.Mutations.Select(m => m.Keyspace));
        for (int i = 0; i < updates.Length; i++)
            Assert.Equal(DataSerializer.Serialize(updates[i]), DataSerializer.Serialize(back.Mutations[i].Mutation.ToUpdate()));
    }

    [Fact]
    public void A_remove_round_trips()
    {
        var remove = new BatchRemoveMessage(1, Guid.NewGuid(), 42);
        Assert.Equal(remove, CoordinationMessageSerializer.Deserialize<BatchRemoveMessage>(CoordinationMessageSerializer.Serialize(remove)));
    }

    [Fact]
    public void Garbage_is_a_FormatException_not_a_crash()
    {
        Assert.Throws<FormatException>(() => CoordinationMessageSerializer.Deserialize<BatchStoreMessage>(new byte[] { 0x93, 0x01, 0xC1 }));
        Assert.Throws<FormatException>(() => CoordinationMessageSerializer.Deserialize<BatchRemoveMessage>(new byte[] { 0xFF }));
    }
}
