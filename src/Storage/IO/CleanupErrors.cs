using System.Runtime.ExceptionServices;

namespace RingStore.Storage.IO;

/// <summary>
/// Runs every step of a cleanup (close each file, delete each temp file) even when earlier steps throw, and
/// remembers what failed: one failing close must never leave the other handles open or the temp files on disk.
/// </summary>
internal struct CleanupErrors
{
    private List<Exception>? _errors;

    public readonly bool Any => _errors is not null;

    public void Run(Action step)
    {
        try { step(); }
        catch (Exception e) { (_errors ??= []).Add(e); }
    }

    public void Dispose(IDisposable? disposable)
    {
        if (disposable is not null) Run(disposable.Dispose);
    }

    /// <summary>The failure to report: null when every step succeeded, the exception itself when one failed, else an AggregateException.</summary>
    public readonly Exception? ToException() => _errors switch
    {
        null => null,
        [var only] => only,
        _ => new AggregateException("Several cleanup steps failed.", _errors),
    };

    /// <summary>Rethrows <see cref="ToException"/> (with its original stack when it is a single exception).</summary>
    public readonly void ThrowIfAny()
    {
        var e = ToException();
        if (e is not null) ExceptionDispatchInfo.Throw(e);
    }
}
