using System.Runtime.InteropServices;

namespace RingStore.Storage.Engine;

/// <summary>
/// Runs long, blocking background work (writing an SSTable for a flush or a compaction: seconds of CPU and fsyncs) on
/// a thread of its own, at a lower CPU priority, instead of on the thread pool.
/// <para>Own thread: on two cores the pool has two threads to begin with; one held by a half-second flush left the
/// writers' continuations and the commit log's group commits queued until the pool's starvation detection added a
/// thread (~0.5 s), so every write stalled for the length of each flush.</para>
/// <para>Lower priority (nice +<see cref="BackgroundNice"/> on Linux, like Cassandra's low-priority compaction
/// threads): when every node of an RF-3 cluster flushes the same data at the same moment, requests still get the CPU
/// first; background work takes what is left, and back-pressure on memtables keeps it from falling behind for good.</para>
/// </summary>
internal static partial class DedicatedThread
{
    public const int BackgroundNice = 10;

    public static Task<T> Run<T>(Func<T> work, CancellationToken ct = default) =>
        Task.Factory.StartNew(() =>
        {
            LowerPriority();
            return work();
        }, ct, TaskCreationOptions.LongRunning | TaskCreationOptions.DenyChildAttach, TaskScheduler.Default);

    public static Task Run(Action work, CancellationToken ct = default) =>
        Task.Factory.StartNew(() =>
        {
            LowerPriority();
            work();
        }, ct, TaskCreationOptions.LongRunning | TaskCreationOptions.DenyChildAttach, TaskScheduler.Default);

    /// <summary>
    /// <paramref name="inline"/>: runs <paramref name="work"/> on the caller's thread instead (the engine's
    /// <see cref="StorageEngineOptions.RunInline"/> mode: one thread, so a simulated run replays exactly); a failure
    /// comes back as a faulted task, as from the thread.
    /// </summary>
    public static Task<T> Run<T>(Func<T> work, bool inline, CancellationToken ct = default)
    {
        if (!inline) return Run(work, ct);
        try
        {
            ct.ThrowIfCancellationRequested();
            return Task.FromResult(work());
        }
        catch (OperationCanceledException e)
        {
            return Task.FromCanceled<T>(e.CancellationToken.IsCancellationRequested ? e.CancellationToken : new CancellationToken(true));
        }
#pragma warning disable CA1031 // handed to the awaiting caller, as the thread's exception would be
        catch (Exception e)
#pragma warning restore CA1031
        {
            return Task.FromException<T>(e);
        }
    }

    /// <summary>The calling thread's nice value on Linux (for tests); null elsewhere.</summary>
    internal static int? CurrentNice()
    {
        if (!OperatingSystem.IsLinux()) return null;
        Marshal.SetLastPInvokeError(0);
        int value = GetPriority(0 /* PRIO_PROCESS */, GetTid());
        return Marshal.GetLastPInvokeError() == 0 ? value : null;
    }

    /// <summary>LongRunning threads are not reused, so the change dies with the thread.</summary>
    private static void LowerPriority()
    {
        // .NET ignores Thread.Priority on Linux; a thread is a task to setpriority(2), addressed by its tid.
        if (!OperatingSystem.IsLinux()) return;
        _ = SetPriority(0 /* PRIO_PROCESS */, GetTid(), BackgroundNice); // best effort: a failure leaves the default
    }

    [LibraryImport("libc", EntryPoint = "gettid")]
    private static partial int GetTid();

    [LibraryImport("libc", EntryPoint = "setpriority", SetLastError = true)]
    private static partial int SetPriority(int which, int who, int priority);

    [LibraryImport("libc", EntryPoint = "getpriority", SetLastError = true)]
    private static partial int GetPriority(int which, int who);
}
