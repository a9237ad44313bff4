using System.Runtime.InteropServices;

namespace RingStore.LocalCluster;

/// <summary>POSIX signals to a process we started (by its pid, never by name). .NET only offers SIGKILL.</summary>
public static partial class Signals
{
    public const int SigTerm = 15;

    // Linux numbers (x86-64 and arm64); the pause/resume fault of `bench node-failure --pause`.
    public const int SigStop = 19;
    public const int SigCont = 18;
    public const int SigHup = 1;

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

    /// <summary>SIGSTOP: the process freezes (as in a long GC pause or a stuck VM) with its sockets open.</summary>
    public static void Stop(int pid) => Send(pid, SigStop, "SIGSTOP");

    /// <summary>SIGCONT: a stopped process runs again.</summary>
    public static void Continue(int pid) => Send(pid, SigCont, "SIGCONT");

    /// <summary>SIGHUP: a node reloads its TLS certificate and CA files.</summary>
    public static void Hangup(int pid) => Send(pid, SigHup, "SIGHUP");

    private static void Send(int pid, int signal, string name)
    {
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException($"{name} needs a POSIX system.");
        if (Kill(pid, signal) != 0)
            throw new InvalidOperationException($"kill({pid}, {name}) failed with errno {Marshal.GetLastPInvokeError()}.");
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
