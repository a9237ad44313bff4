using System.Globalization;

namespace RingStore.LocalCluster;

/// <summary>
/// Samples the resident set of some node processes from <c>/proc/&lt;pid&gt;/status</c> every few milliseconds on a
/// thread of its own, from construction until dispose, and keeps each process's baseline (the first sample) and peak.
/// Two figures per process: VmRSS (everything resident, including the SSTable pages the node has memory-mapped and
/// touched: clean page cache the kernel can drop at any time) and RssAnon (anonymous memory: the managed heap, native
/// buffers, thread stacks — what the node itself allocated). A process that exits while sampled keeps its last figures.
/// </summary>
public sealed class NodeRssSampler : IDisposable
{
    private readonly int[] _pids;
    private readonly ProcessMemory[] _baseline;
    private readonly ProcessMemory[] _peak;
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

    /// <summary>Resident bytes of one process, or null once it is gone.</summary>
    public readonly record struct ProcessMemory(long VmRssBytes, long RssAnonBytes);

    /// <summary>Peak minus baseline of process <paramref name="index"/> (in the order the pids were given).</summary>
    public ProcessMemory Growth(int index)
    {
        lock (_peak)
        {
            return new ProcessMemory(_peak[index].VmRssBytes - _baseline[index].VmRssBytes,
                _peak[index].RssAnonBytes - _baseline[index].RssAnonBytes);
        }
    }

    public ProcessMemory Baseline(int index) => _baseline[index];

    public int Count => _pids.Length;

    /// <summary>VmRSS and RssAnon of <paramref name="pid"/>, or null if it has exited.</summary>
    public static ProcessMemory? Read(int pid)
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
        return vmRss < 0 || anon < 0 ? null : new ProcessMemory(vmRss * 1024, anon * 1024);
    }

    // "VmRSS:	  123456 kB"
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
                _peak[i] = new ProcessMemory(Math.Max(_peak[i].VmRssBytes, now.VmRssBytes), Math.Max(_peak[i].RssAnonBytes, now.RssAnonBytes));
            }
        }
    }

    public void Dispose()
    {
        _stop = true;
        _thread.Join();
        Sample(); // the state at the end counts too
    }
}
