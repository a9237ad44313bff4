using System.Globalization;

namespace RingStore.Bench.WidePartition;

/// <summary>
/// Samples the resident set of the node processes from <c>/proc/&lt;pid&gt;/status</c> every few milliseconds on a
/// thread of its own and keeps each one's baseline (first sample) and peak, as two figures: VmRSS (all resident
/// memory, including the SSTable pages a node has memory-mapped and touched, which are clean page cache) and RssAnon
/// (anonymous memory: heap, native buffers, stacks — what the node allocated itself).
/// </summary>
public sealed class NodeRssSampler : IDisposable
{
    private readonly int[] _pids;
    private readonly Memory[] _baseline;
    private readonly Memory[] _peak;
    private readonly Thread _thread;
    private volatile bool _stop;

    public NodeRssSampler(IReadOnlyList<int> pids)
    {
        ArgumentNullException.ThrowIfNull(pids);
        _pids = [.. pids];
        _baseline = _pids.Select(p => Read(p) ?? throw new InvalidOperationException($"process {p} has no /proc status")).ToArray();
        _peak = [.. _baseline];
        _thread = new Thread(Loop) { IsBackground = true, Name = "node-rss-sampler" };
        _thread.Start();
    }

    public readonly record struct Memory(long VmRssBytes, long RssAnonBytes);

    public int Count => _pids.Length;

    /// <summary>Peak minus baseline of the process at <paramref name="index"/>.</summary>
    public Memory Growth(int index)
    {
        lock (_peak)
        {
            return new Memory(_peak[index].VmRssBytes - _baseline[index].VmRssBytes, _peak[index].RssAnonBytes - _baseline[index].RssAnonBytes);
        }
    }

    public static Memory? Read(int pid)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines($"/proc/{pid}/status");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        long vmRss = -1, anon = -1;
        foreach (var line in lines)
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal)) vmRss = Kib(line);
            else if (line.StartsWith("RssAnon:", StringComparison.Ordinal)) anon = Kib(line);
        }
        return vmRss < 0 || anon < 0 ? null : new Memory(vmRss * 1024, anon * 1024);
    }

    private static long Kib(string line) =>
        long.Parse(line.AsSpan(line.IndexOf(':') + 1).Trim().TrimEnd("kB").Trim(), NumberStyles.None, CultureInfo.InvariantCulture);

    private void Loop()
    {
        while (!_stop)
        {
            Sample();
            Thread.Sleep(5);
        }
    }

    private void Sample()
    {
        for (int i = 0; i < _pids.Length; i++)
        {
            if (Read(_pids[i]) is not { } now) continue;
            lock (_peak)
            {
                _peak[i] = new Memory(Math.Max(_peak[i].VmRssBytes, now.VmRssBytes), Math.Max(_peak[i].RssAnonBytes, now.RssAnonBytes));
            }
        }
    }

    public void Dispose()
    {
        if (_stop) return;
        _stop = true;
        _thread.Join();
        Sample();
    }
}
