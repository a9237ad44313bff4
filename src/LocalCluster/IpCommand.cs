using System.Diagnostics;

namespace RingStore.LocalCluster;

/// <summary>Runs `ip ...` (iproute2) and fails with its stderr when it fails. Needs root for namespaces and links.</summary>
public static class IpCommand
{
    public static void Run(params string[] args) => Run(true, args);

    /// <summary>For cleanup: a failure (already gone) is fine.</summary>
    public static void TryRun(params string[] args) => Run(false, args);

    /// <summary>Whether `ip netns` works here: adds and removes a probe namespace.</summary>
    public static string? NamespacesUnavailableReason()
    {
        string probe = $"rsprobe{Environment.ProcessId}";
        try
        {
            Run("netns", "add", probe);
            Run("netns", "del", probe);
            return null;
        }
        catch (InvalidOperationException e)
        {
            return e.Message;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return $"`ip` is not installed ({e.Message})";
        }
    }

    private static void Run(bool check, string[] args)
    {
        var info = new ProcessStartInfo("ip") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start `ip`");
        string error = process.StandardError.ReadToEnd();
        process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(10_000))
        {
            process.Kill();
            throw new InvalidOperationException($"`ip {string.Join(' ', args)}` did not finish in 10 s");
        }
        if (check && process.ExitCode != 0)
            throw new InvalidOperationException($"`ip {string.Join(' ', args)}` failed ({process.ExitCode}): {error.Trim()}");
    }
}
