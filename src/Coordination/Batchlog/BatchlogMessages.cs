using MessagePack;

namespace RingStore.Coordination.Batchlog;

/// <summary>
/// One partition's mutation inside a logged batch: the keyspace (the replay looks up its replicas by it) and the
/// same <see cref="MutationMessage"/> a replica receives for a write (DataSerializer bytes with their timestamps, so
/// a replay writes exactly the cells the client's batch did, however often it runs).
/// </summary>
[MessagePackObject]
public sealed record BatchMutationMessage(
    [property: Key(0)] string Keyspace,
    [property: Key(1)] MutationMessage Mutation);

/// <summary>
/// BatchStore: a logged batch the coordinator asks a node to keep in its local batchlog (system.batches) until the
/// coordinator removes it or the node replays it. <see cref="Id"/> is a time UUID; <see cref="WrittenAtMicros"/>
/// its time in Unix microseconds (the batchlog row's timestamp and the replay's age reference);
/// <see cref="Coordinator"/> the host id of the node that coordinated the batch.
/// </summary>
[MessagePackObject]
public sealed record BatchStoreMessage(
    [property: Key(0)] int Version,
    [property: Key(1)] Guid Id,
    [property: Key(2)] Guid Coordinator,
    [property: Key(3)] long WrittenAtMicros,
    [property: Key(4)] IReadOnlyList<BatchMutationMessage> Mutations);

/// <summary>BatchRemove: the batch was applied; the node deletes its batchlog entry (a tombstone at the entry's own timestamp).</summary>
[MessagePackObject]
public sealed record BatchRemoveMessage(
    [property: Key(0)] int Version,
    [property: Key(1)] Guid Id,
    [property: Key(2)] long WrittenAtMicros);
