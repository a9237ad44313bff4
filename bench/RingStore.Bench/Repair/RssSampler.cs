using System.Globalization;

namespace RingStore.Bench.Repair;

/// <summary>
/// Polls VmRSS and RssAnon of some processes (/proc/&lt;pid&gt;/status) until stopped: each at start and the highest
/// seen, per process. RssAnon leaves out mapped file pages (SSTables read through the page cache), which the kernel
/// can drop: it is the memory the process itself holds.
/// </summary>
public sealed class RssSampler : IAsyncDisposable
{
    private readonly int[] _pids;
    private readonly long[] _peak;
    private readonly long[] _peakAnon;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public RssSampler(IReadOnlyList<int> pids)
    {
        _pids = [.. pids];
        Start = [.. _pids.Select(p => Read(p))];
        StartAnon = [.. _pids.Select(p => Read(p, "RssAnon:"))];
        _peak = [.. Start];
        _peakAnon = [.. StartAnon];
        _loop = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                Sample();
                try { await Task.Delay(100, _stop.Token).ConfigureAwait(false); }
                catch (OperationCanceledException) { break; }
            }
        });
    }

    public IReadOnlyList<long> Start { get; }

    public IReadOnlyList<long> StartAnon { get; }

    public IReadOnlyList<long> PeakAnon
    {
        get { lock (_peak) return [.. _peakAnon]; }
    }

    public IReadOnlyList<long> Peak
    {
        get { lock (_peak) return [.. _peak]; }
    }

    private void Sample()
    {
        lock (_peak)
            for (int i = 0; i < _pids.Length; i++)
            {
                _peak[i] = Math.Max(_peak[i], Read(_pids[i]));
                _peakAnon[i] = Math.Max(_peakAnon[i], Read(_pids[i], "RssAnon:"));
            }
    }

    /// <summary>A /proc status field in kB (VmRSS by default) as bytes; 0 if the process is gone.</summary>
    public static long Read(int pid, string field = "VmRSS:")
    {
        try
        {
            foreach (string line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (!line.StartsWith(field, StringComparison.Ordinal)) continue;
                string kb = line[field.Length..].Trim().Split(' ')[0];
                return long.Parse(kb, CultureInfo.InvariantCulture) * 1024;
            }
        }
        catch (IOException)
        {
        }
        return 0;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        Sample();
        _stop.Dispose();
    }
}
