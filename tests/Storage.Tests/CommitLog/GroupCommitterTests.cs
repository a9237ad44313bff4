using Microsoft.Extensions.Logging.Abstractions;
using RingStore.Storage.CommitLog;

namespace RingStore.Storage.Tests.CommitLog;

/// <summary>
/// The group committer's waiters are reused from writer to writer: every writer is released only by a commit that
/// started after it joined (never by an earlier batch, never by a batch a reused waiter was in before), a cancelled
/// writer stops waiting at once, and a failed commit fails exactly its own batch's writers.
/// </summary>
public sealed class GroupCommitterTests
{
    [Fact]
    public async Task Every_writer_is_released_only_by_a_commit_that_began_after_it_joined_even_with_cancellations()
    {
        long commitsBegun = 0;
        await using var committer = new GroupCommitter(async () =>
        {
            Interlocked.Increment(ref commitsBegun);
            await Task.Yield();
        }, TimeSpan.Zero, TimeProvider.System, NullLogger.Instance);

        var writers = Enumerable.Range(0, 16).Select(w => Task.Run(async () =>
        {
            var random = new Random(w);
            int completed = 0, cancelled = 0;
            for (int i = 0; i < 300; i++)
            {
                using var cts = new CancellationTokenSource();
                long joinedBefore = Interlocked.Read(ref commitsBegun);
                var wait = committer.AfterAppendAsync(random.Next(4) == 0 ? cts.Token : CancellationToken.None);
                if (random.Next(8) == 0) await cts.CancelAsync();
                try
                {
                    await wait;
                    // The commit that released this writer began after it joined: its count moved past the one seen before joining.
                    Assert.True(Interlocked.Read(ref commitsBegun) > joinedBefore, "released without a commit after joining");
                    completed++;
                }
                catch (OperationCanceledException)
                {
                    cancelled++;
                }
            }
            return (completed, cancelled);
        })).ToArray();
        var outcomes = await Task.WhenAll(writers).WaitAsync(TimeSpan.FromMinutes(2));
        Assert.Equal(16 * 300, outcomes.Sum(o => o.completed + o.cancelled));
        Assert.True(outcomes.Sum(o => o.completed) > 0);
    }

    [Fact]
    public async Task A_cancelled_writer_stops_waiting_and_the_others_of_its_batch_still_wait_for_the_commit()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int commits = 0;
        await using var committer = new GroupCommitter(async () =>
        {
            if (Interlocked.Increment(ref commits) == 1) await release.Task;
        }, TimeSpan.Zero, TimeProvider.System, NullLogger.Instance);

        using var cts = new CancellationTokenSource();
        var cancelled = committer.AfterAppendAsync(cts.Token).AsTask();
        var patient = committer.AfterAppendAsync(CancellationToken.None).AsTask();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.WaitAsync(TimeSpan.FromMinutes(1)));
        Assert.False(patient.IsCompleted);
        release.SetResult();
        await patient.WaitAsync(TimeSpan.FromMinutes(1));

        // Waiters reused after that batch wait for their own commit.
        for (int i = 0; i < 10; i++) await committer.AfterAppendAsync(CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromMinutes(1));
        Assert.True(Volatile.Read(ref commits) >= 2);
    }

    /// <summary>
    /// A cancelled writer's waiter stays listed in its batch; if it were reused, that batch's completion would release
    /// the next writer before the commit covering the next writer's entry. The pool hands out the last waiter returned,
    /// so the next writer would get exactly that waiter.
    /// </summary>
    [Fact]
    public async Task A_batch_never_releases_a_writer_that_joined_after_it_through_a_cancelled_writers_waiter()
    {
        var firstBegun = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var releaseFirst = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var secondBegun = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var releaseSecond = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var releaseLater = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int commits = 0;
        await using var committer = new GroupCommitter(async () =>
        {
            switch (Interlocked.Increment(ref commits))
            {
                case 1:
                    firstBegun.SetResult();
                    await releaseFirst.Task;
                    break;
                case 2:
                    secondBegun.SetResult();
                    await releaseSecond.Task;
                    break;
                default:
                    await releaseLater.Task;
                    break;
            }
        }, TimeSpan.Zero, TimeProvider.System, NullLogger.Instance);

        try
        {
            // Warm the pool with one waiter so the cancelled one is not the only object ever made.
            var warm = committer.AfterAppendAsync(CancellationToken.None).AsTask();
            await firstBegun.Task.WaitAsync(TimeSpan.FromMinutes(1));
            releaseFirst.SetResult();
            await warm.WaitAsync(TimeSpan.FromMinutes(1));

            // Batch 2 (commit blocked): a writer that gives up.
            using var cts = new CancellationTokenSource();
            var quitter = committer.AfterAppendAsync(cts.Token).AsTask();
            await secondBegun.Task.WaitAsync(TimeSpan.FromMinutes(1));
            await cts.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => quitter.WaitAsync(TimeSpan.FromMinutes(1)));

            // Batch 3: a writer joining while batch 2 still commits. Batch 2's completion must not release it.
            var late = committer.AfterAppendAsync(CancellationToken.None).AsTask();
            releaseSecond.SetResult();
            // Batch 3's commit cannot finish before releaseLater, so a release of this writer within the wait is the bug.
            bool releasedEarly = await Task.WhenAny(late, Task.Delay(TimeSpan.FromSeconds(2))) == late;
            Assert.False(releasedEarly, "a writer was released by the batch before the one it joined");
            releaseLater.SetResult();
            await late.WaitAsync(TimeSpan.FromMinutes(1));
        }
        finally
        {
            // Whatever failed, no commit is left blocked: disposing the committer waits for its loop.
            releaseFirst.TrySetResult();
            releaseSecond.TrySetResult();
            releaseLater.TrySetResult();
        }
    }

    [Fact]
    public async Task A_failed_commit_fails_its_own_writers_and_the_next_batch_succeeds()
    {
        int commits = 0;
        await using var committer = new GroupCommitter(() =>
            Interlocked.Increment(ref commits) == 1 ? Task.FromException(new IOException("disk gone")) : Task.CompletedTask,
            TimeSpan.Zero, TimeProvider.System, NullLogger.Instance);

        var failed = committer.AfterAppendAsync(CancellationToken.None).AsTask();
        await Assert.ThrowsAsync<IOException>(() => failed.WaitAsync(TimeSpan.FromMinutes(1)));
        await committer.AfterAppendAsync(CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromMinutes(1));
    }
}
