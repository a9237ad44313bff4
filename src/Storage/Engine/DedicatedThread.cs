namespace RingStore.Storage.Engine;

/// <summary>
/// Runs long, blocking work (writing an SSTable for a flush or a compaction: seconds of CPU and fsyncs) on a thread
/// of its own instead of the thread pool. On two cores the pool has two threads to begin with; one held by a
/// half-second flush left the writers' continuations and the commit log's group commits queued until the pool's
/// starvation detection added a thread (~0.5 s): every write stalled for the length of each flush.
/// </summary>
internal static class DedicatedThread
{
    public static Task<T> Run<T>(Func<T> work, CancellationToken ct = default) =>
        Task.Factory.StartNew(work, ct, TaskCreationOptions.LongRunning | TaskCreationOptions.DenyChildAttach, TaskScheduler.Default);

    public static Task Run(Action work, CancellationToken ct = default) =>
        Task.Factory.StartNew(work, ct, TaskCreationOptions.LongRunning | TaskCreationOptions.DenyChildAttach, TaskScheduler.Default);
}
