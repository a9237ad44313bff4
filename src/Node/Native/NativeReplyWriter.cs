using System.Buffers;
using System.IO.Pipelines;

namespace RingStore.Node.Native;

/// <summary>
/// One connection's outgoing frames, in the order they are enqueued, through a <see cref="PipeWriter"/> on its stream.
/// A frame enqueued while no send is running is written and flushed on the enqueuing thread (no hand-off to a writer
/// task, so no thread-pool wake-up per reply); frames enqueued while a send is running, or while the connection's read
/// loop has the writer corked (it is dispatching the frames of one receive), wait and leave together in the next
/// flush, so replies that finish together leave in one send. Nothing ever waits for a reply that has not finished: a
/// frame waits at most for the send before it. Each frame's budget units are handed back once its flush completed.
/// </summary>
public sealed class NativeReplyWriter
{
    /// <summary>Pipe segments this large, so a batch of replies leaves in one stream write (one per segment).</summary>
    public const int SegmentBytes = 64 * 1024;

    private readonly PipeWriter _pipe;
    private readonly Action<int> _release;
    private readonly Action _broken;
    private readonly object _gate = new();
    private List<(byte[] Frame, int Units)> _pending = [];
    private List<(byte[] Frame, int Units)>? _spare = [];
    private bool _sending;
    private int _corks;
    private bool _failed;
    private bool _completed;
    private TaskCompletionSource? _idle;

    /// <param name="stream">The connection's stream (socket or TLS); left open.</param>
    /// <param name="release">Hands a frame's budget units back (after its flush, or at once when it is dropped).</param>
    /// <param name="broken">Called once when a send fails: the client is gone.</param>
    public NativeReplyWriter(Stream stream, Action<int> release, Action broken)
    {
        _pipe = PipeWriter.Create(stream, new StreamPipeWriterOptions(minimumBufferSize: SegmentBytes, leaveOpen: true));
        _release = release;
        _broken = broken;
    }

    /// <summary>Queues a frame; sends it (and whatever else is queued) on this thread if no send is running.</summary>
    public void Enqueue(byte[] frame, int units)
    {
        bool accepted;
        lock (_gate)
        {
            accepted = !_failed && !_completed;
            if (accepted)
            {
                _pending.Add((frame, units));
                if (_sending || _corks > 0) return;
                _sending = true;
            }
        }
        if (accepted) _ = SendAsync();
        else if (units > 0) _release(units); // the client is gone or the connection closed: drop the frame
    }

    /// <summary>Holds queued frames back until <see cref="Uncork"/> (the read loop, around one receive's frames).</summary>
    public void Cork()
    {
        lock (_gate) _corks++;
    }

    /// <summary>Ends a <see cref="Cork"/>: sends what queued meanwhile, on this thread, if no send is running.</summary>
    public void Uncork()
    {
        lock (_gate)
        {
            if (_corks > 0) _corks--;
            if (_corks > 0 || _sending || _pending.Count == 0) return;
            _sending = true;
        }
        _ = SendAsync();
    }

    /// <summary>
    /// Refuses further frames, waits (up to <paramref name="timeout"/>, then cancels a send stuck on a client that does
    /// not read) for the queued ones to be sent, and completes the pipe.
    /// </summary>
    public async Task CompleteAsync(TimeSpan timeout)
    {
        Task idle;
        lock (_gate)
        {
            _completed = true;
            _corks = 0;
            if (!_sending && _pending.Count > 0)
            {
                _sending = true;
                _ = SendAsync();
            }
            idle = _sending ? (_idle ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task : Task.CompletedTask;
        }
        if (await Task.WhenAny(idle, Task.Delay(timeout)).ConfigureAwait(false) != idle)
        {
            _pipe.CancelPendingFlush();
            await idle.ConfigureAwait(false);
        }
        bool failed;
        lock (_gate) failed = _failed;
        // After a failed or cancelled send the pipe still holds those bytes; completing it would try to send them again
        // (and wait forever on a client that does not read). Everything queued has been sent otherwise.
        if (failed) return;
        try
        {
            await _pipe.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException)
        {
            // The client went away at the very end: nothing left to tell it.
        }
    }

    /// <summary>The sending loop: only one runs at a time (<c>_sending</c>), so it alone touches the pipe.</summary>
    private async Task SendAsync()
    {
        while (true)
        {
            List<(byte[] Frame, int Units)> batch;
            lock (_gate)
            {
                if (_pending.Count == 0 || _failed)
                {
                    _sending = false;
                    _idle?.TrySetResult();
                    return;
                }
                batch = _pending;
                _pending = _spare ?? [];
                _spare = null;
            }
            int units = 0;
            foreach (var (frame, u) in batch) units += u;
            bool ok;
            try
            {
                foreach (var (frame, _) in batch) _pipe.Write(frame);
                var flush = await _pipe.FlushAsync().ConfigureAwait(false);
                ok = !flush.IsCanceled && !flush.IsCompleted;
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
            {
                ok = false;
            }
            batch.Clear();
            _spare = batch;
            if (units > 0) _release(units);
            if (!ok) Fail();
        }
    }

    /// <summary>The client went away: drop what is queued (handing its budget back) and refuse further frames.</summary>
    private void Fail()
    {
        int units = 0;
        lock (_gate)
        {
            if (_failed) return;
            _failed = true;
            foreach (var (_, u) in _pending) units += u;
            _pending.Clear();
        }
        if (units > 0) _release(units);
        _broken();
    }
}
