using System.Runtime.InteropServices;

namespace RingStore.LocalCluster;

/// <summary>POSIX signals to a process we started (by its pid, never by name). .NET only offers SIGKILL.</summary>
public static partial class Signals
{
    public const int SigTerm = 15;

    public static void Terminate(int pid)
    {
        if (OperatingSystem.IsWindows())
        {
            System.Diagnostics.Process.GetProcessById(pid).Kill();
            return;
        }
        if (Kill(pid, SigTerm) != 0)
            throw new InvalidOperationException($"kill({pid}, SIGTERM) failed with errno {Marshal.GetLastPInvokeError()}.");
    }

    public const int SigHup = 1;

    /// <summary>SIGHUP: a node reloads its TLS certificate and CA files.</summary>
    public static void Hangup(int pid)
    {
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("SIGHUP is POSIX only.");
        if (Kill(pid, SigHup) != 0)
            throw new InvalidOperationException($"kill({pid}, SIGHUP) failed with errno {Marshal.GetLastPInvokeError()}.");
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
