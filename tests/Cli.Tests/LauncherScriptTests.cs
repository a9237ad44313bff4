using System.Diagnostics;

namespace RingStore.Cli.Tests;

/// <summary>scripts/ringstore, the README's way to get a `ringstore` command on the PATH, runs the CLI.</summary>
public sealed class LauncherScriptTests
{
    [Fact]
    public void The_launcher_script_on_the_PATH_runs_ringstore()
    {
        string root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "RingStore.sln"))) root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("no repository root");
        var info = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("ringstore token bigint:42");
        info.Environment["PATH"] = Path.Combine(root, "scripts") + ":" + Environment.GetEnvironmentVariable("PATH");
        using var p = Process.Start(info)!;
        string stdout = p.StandardOutput.ReadToEnd();
        string stderr = p.StandardError.ReadToEnd();
        Assert.True(p.WaitForExit(300_000), "the launcher did not finish");
        Assert.True(p.ExitCode == 0, stdout + stderr);
        Assert.Contains("8623491988607824794", stdout, StringComparison.Ordinal); // Murmur3 token of bigint 42 (as `ringstore token` prints it)
    }
}
