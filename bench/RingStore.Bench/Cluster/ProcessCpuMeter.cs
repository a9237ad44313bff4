using System.Diagnostics;

namespace RingStore.Bench.Cluster;

/// <summary>
/// CPU time used by the node processes and by this (client) process. On a shared 2-core machine throughput moves
/// with everyone else's load, but CPU time per request does not much: it is the figure to compare between runs.
/// </summary>
public sealed class ProcessCpuMeter(IReadOnlyList<int> nodePids)
{
    public CpuSample Sample()
    {
        var nodes = TimeSpan.Zero;
        foreach (int pid in nodePids)
        {
            try
            {
                using var process = Process.GetProcessById(pid);
                nodes += process.TotalProcessorTime;
            }
            catch (ArgumentException)
            {
                // the node has exited; its CPU time is lost and the phase's failures will show why
            }
        }
        return new CpuSample(nodes, Environment.CpuUsage.TotalTime);
    }

    public static double LoadAverage()
    {
        try
        {
            string line = File.ReadAllText("/proc/loadavg");
            return double.Parse(line.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return double.NaN;
        }
        catch (UnauthorizedAccessException)
        {
            return double.NaN;
        }
    }
}
