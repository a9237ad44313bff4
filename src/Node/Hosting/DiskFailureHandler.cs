using Microsoft.Extensions.Logging;
using RingStore.Storage.Engine;
using RingStore.Storage.SSTables;

namespace RingStore.Node.Hosting;

/// <summary>
/// Applies the node's <see cref="DiskFailurePolicy"/> to the first disk failure the engine reports. Whatever the
/// policy, the failure is logged at error level and written to stderr too: the log file may be on the failed disk.
/// </summary>
internal sealed class DiskFailureHandler(DiskFailurePolicy policy, ILogger logger, Func<string, Task> stopServing, Action<string> die)
{
    private int _handled;
    private int _stopped;

    public bool Stopped => Volatile.Read(ref _stopped) != 0;

    public void OnDiskFailure(DiskFailure failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        string reason = $"disk failure in the {failure.Where}: {failure.Error.GetType().Name}: {failure.Error.Message}";
        var action = DiskFailureActions.For(policy, failure);
        if (action == DiskFailureAction.KeepServing)
        {
            string note = failure.Error is CorruptSSTableException ? "the SSTable is marked unreadable; still serving the rest" : "still serving";
            logger.LogError("{Reason} (disk failure policy {Policy}: {Note})", reason, policy, note);
            WriteToStderr($"ringstore node: {reason} (disk failure policy {policy}: {note})");
            return;
        }
        if (Interlocked.Exchange(ref _handled, 1) != 0) return;
        logger.LogCritical("{Reason}; disk failure policy {Policy}", reason, policy);
        WriteToStderr($"ringstore node: {reason}; disk failure policy {policy}");
        if (action == DiskFailureAction.Die)
        {
            die(reason);
            return;
        }
        Volatile.Write(ref _stopped, 1);
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

    /// <summary>
    /// Best effort: stderr may be redirected to a file on the very disk that failed (a read-only file system makes the
    /// write throw), and that must never keep the policy from acting.
    /// </summary>
    private static void WriteToStderr(string line)
    {
        try
        {
            Console.Error.WriteLine(line);
        }
        catch (IOException)
        {
        }
    }
}
