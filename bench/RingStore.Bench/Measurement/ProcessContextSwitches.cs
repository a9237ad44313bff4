using System.Globalization;

namespace RingStore.Bench.Measurement;

/// <summary>Voluntary (the thread blocked or waited) and nonvoluntary (the scheduler preempted it) context switches.</summary>
public readonly record struct ContextSwitches(long Voluntary, long Nonvoluntary)
{
    public static ContextSwitches operator +(ContextSwitches a, ContextSwitches b) => new(a.Voluntary + b.Voluntary, a.Nonvoluntary + b.Nonvoluntary);

    public static ContextSwitches operator -(ContextSwitches a, ContextSwitches b) => new(a.Voluntary - b.Voluntary, a.Nonvoluntary - b.Nonvoluntary);

    public static ContextSwitches Add(ContextSwitches a, ContextSwitches b) => a + b;

    public static ContextSwitches Subtract(ContextSwitches a, ContextSwitches b) => a - b;
}

/// <summary>
/// A process's context switches, summed over its live threads from /proc/&lt;pid&gt;/task/*/status: the
/// process's own /proc/&lt;pid&gt;/status counts only its main thread. Threads that exited between two samples take
/// their counts with them, so a delta is a lower bound (the node's threads are long-lived pool and loop threads).
/// </summary>
public static class ProcessContextSwitches
{
    /// <summary>Null when the process is gone or /proc is unavailable.</summary>
    public static ContextSwitches? Read(int pid)
    {
        try
        {
            var total = new ContextSwitches(0, 0);
            foreach (string task in Directory.EnumerateDirectories($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/task"))
            {
                try
                {
                    total += Parse(File.ReadAllText(Path.Combine(task, "status")));
                }
                catch (IOException)
                {
                    // the thread exited while we listed them
                }
            }
            return total;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The voluntary_ctxt_switches and nonvoluntary_ctxt_switches lines of one status file.</summary>
    public static ContextSwitches Parse(string status)
    {
        ArgumentNullException.ThrowIfNull(status);
        long voluntary = 0, nonvoluntary = 0;
        foreach (string line in status.Split('\n'))
        {
            if (line.StartsWith("voluntary_ctxt_switches:", StringComparison.Ordinal)) voluntary = Value(line);
            else if (line.StartsWith("nonvoluntary_ctxt_switches:", StringComparison.Ordinal)) nonvoluntary = Value(line);
        }
        return new ContextSwitches(voluntary, nonvoluntary);
    }

    private static long Value(string line) => long.Parse(line.AsSpan(line.IndexOf(':', StringComparison.Ordinal) + 1).Trim(), CultureInfo.InvariantCulture);
}
