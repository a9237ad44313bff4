using RingStore.Bench.Workloads;

namespace RingStore.Bench.Load;

/// <summary>
/// One planned request: its kind and how to run it. Execute returns false when the answer was wrong (a read of an
/// acknowledged write that came back missing or with another value); a thrown RingStoreException is a failure.
/// </summary>
public readonly record struct LoadRequest(OperationKind Kind, Func<CancellationToken, Task<bool>> Execute);
