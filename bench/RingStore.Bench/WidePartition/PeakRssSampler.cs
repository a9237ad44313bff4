using System.Diagnostics;

namespace RingStore.Bench.WidePartition;

/// <summary>
/// Samples this process's resident set every few milliseconds on a thread of its own and keeps the highest value:
/// the peak growth of a phase is that maximum minus the resident set when the phase started.
/// </summary>
public sealed class PeakRssSampler : IDisposable
{
    private readonly Thread _thread;
    private volatile bool _stop;
    private long _peak;

    public PeakRssSampler()
    {
        Baseline = Current();
        _peak = Baseline;
        _thread = new Thread(Loop) { IsBackground = true, Name = "rss-sampler" };
        _thread.Start();
    }

    public long Baseline { get; }

    public long Peak => Math.Max(Interlocked.Read(ref _peak), Current());

    public long GrowthBytes => Peak - Baseline;

    public static long Current()
    {
        using var p = Process.GetCurrentProcess();
        return p.WorkingSet64;
    }

    private void Loop()
    {
        while (!_stop)
        {
            long now = Current();
            if (now > Interlocked.Read(ref _peak)) Interlocked.Exchange(ref _peak, now);
            Thread.Sleep(5);
        }
    }

    public void Dispose()
    {
        _stop = true;
        _thread.Join();
    }
}
