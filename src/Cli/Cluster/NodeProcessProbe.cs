using System.Diagnostics;

namespace RingStore.Cli.Cluster;

/// <summary>
/// Is a recorded pid still one of our nodes? A pid from cluster.json may have been reused by an unrelated process
/// after a reboot or a crash, so we only ever signal a pid whose command line runs RingStore.Node.dll with this
/// cluster's data directory.
/// </summary>
public static class NodeProcessProbe
{
    public const string NodeDllName = "RingStore.Node.dll";

    public static bool IsOurNode(int pid, string dataRoot)
    {
        if (pid <= 0) return false;
        if (OperatingSystem.IsLinux())
        {
            try
            {
                if (IsZombie(pid)) return false;
                string cmdline = File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
                return cmdline.Contains(NodeDllName, StringComparison.Ordinal) && cmdline.Contains(dataRoot, StringComparison.Ordinal);
            }
            catch (IOException) { return false; }
            catch (UnauthorizedAccessException) { return false; }
        }
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited && process.ProcessName.StartsWith("dotnet", StringComparison.OrdinalIgnoreCase);
        }
        catch (ArgumentException) { return false; }
        catch (InvalidOperationException) { return false; }
    }

    // An exited child not yet reaped by its parent still has a /proc entry; it is gone for our purposes.
    private static bool IsZombie(int pid)
    {
        string stat = File.ReadAllText($"/proc/{pid}/stat");
        int close = stat.LastIndexOf(')');
        return close > 0 && close + 2 < stat.Length && stat[close + 2] is 'Z' or 'X';
    }
}
