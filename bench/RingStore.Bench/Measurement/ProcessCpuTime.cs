using System.Globalization;

namespace RingStore.Bench.Measurement;

/// <summary>
/// CPU time (user + system) of a process we started, from /proc/&lt;pid&gt;/stat. Works for any pid, unlike
/// Process.TotalProcessorTime's handle, and costs one small file read.
/// </summary>
public static class ProcessCpuTime
{
    /// <summary>Linux reports utime/stime in USER_HZ ticks, 100 per second on every mainstream kernel configuration.</summary>
    private const double TicksPerSecond = 100;

    /// <summary>Null when the process is gone or /proc is unavailable.</summary>
    public static TimeSpan? Read(int pid)
    {
        try
        {
            return Parse(File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat"));
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

    /// <summary>Fields 14 (utime) and 15 (stime), counted after the ")" that closes the command name (which may hold spaces).</summary>
    public static TimeSpan Parse(string stat)
    {
        ArgumentNullException.ThrowIfNull(stat);
        int close = stat.LastIndexOf(')');
        if (close < 0) throw new FormatException("Not a /proc/<pid>/stat line.");
        string[] fields = stat[(close + 2)..].Split(' ');
        // fields[0] is field 3 (state), so field n is fields[n - 3].
        long utime = long.Parse(fields[14 - 3], CultureInfo.InvariantCulture);
        long stime = long.Parse(fields[15 - 3], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds((utime + stime) / TicksPerSecond);
    }
}
