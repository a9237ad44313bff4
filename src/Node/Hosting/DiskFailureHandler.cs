using Microsoft.Extensions.Logging;
using RingStore.Storage.Engine;

namespace RingStore.Node.Hosting;

/// <summary>
/// Applies the node's <see cref="DiskFailurePolicy"/> to the first disk failure the engine reports. Whatever the
/// policy, the failure is logged at error level and written to stderr too: the log file may be on the failed disk.
/// </summary>
internal sealed class DiskFailureHandler(DiskFailurePolicy policy, ILogger logger, Func<string, Task> stopServing, Action<string> die)
{
    private int _handled;

    public bool Stopped => Volatile.Read(ref _handled) != 0 && policy == DiskFailurePolicy.Stop;

    public void OnDiskFailure(DiskFailure failure)
    {
        string reason = $"disk failure in the {failure.Where}: {failure.Error.GetType().Name}: {failure.Error.Message}";
        if (policy == DiskFailurePolicy.BestEffort)
        {
            logger.LogError("{Reason} (disk failure policy best_effort: still serving)", reason);
            return;
        }
        if (Interlocked.Exchange(ref _handled, 1) != 0) return;
        logger.LogCritical("{Reason}; disk failure policy {Policy}", reason, policy);
        Console.Error.WriteLine($"ringstore node: {reason}; disk failure policy {policy}");
        if (policy == DiskFailurePolicy.Die)
        {
            die(reason);
            return;
        }
        // Off the failing thread: a writer is waiting for its exception.
        _ = Task.Run(async () =>
        {
            try
            {
                await stopServing(reason).ConfigureAwait(false);
                logger.LogCritical("Stopped serving after a {Reason}; the process stays up for inspection. Fix the disk and restart the node.", reason);
            }
#pragma warning disable CA1031 // best effort: the node is going out of service anyway
            catch (Exception e)
#pragma warning restore CA1031
            {
                logger.LogError(e, "Stopping the node's services after a disk failure failed");
            }
        });
    }
}
