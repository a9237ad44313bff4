using System.Diagnostics;
using RingStore.Cli.Cluster;

namespace RingStore.Cli.Tests;

/// <summary>
/// A cluster started with `ringstore up --detach` in its own temp directory and ports. Dispose always runs
/// `ringstore down` and then kills by pid whatever node of this directory still runs, and deletes the directory.
/// </summary>
public sealed class LocalClusterHandle : IAsyncDisposable
{
    private LocalClusterHandle(string directory, int basePort)
    {
        Directory = directory;
        BasePort = basePort;
    }

    public string Directory { get; }

    public int BasePort { get; }

    public string[] DirArgs => ["--dir", Directory];

    public static LocalClusterHandle Create()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"ringstore-cli-test-{Guid.NewGuid():N}");
        return new LocalClusterHandle(dir, FreePorts.FindBase(3));
    }

    public async Task<CliProcess.Result> UpAsync(params string[] extra) =>
        await CliProcess.RunAsync(["up", "--detach", "--nodes", "3", "--dir", Directory, "--base-port", BasePort.ToString(System.Globalization.CultureInfo.InvariantCulture), .. extra],
            timeout: TimeSpan.FromMinutes(6));

    public Task<CliProcess.Result> RunAsync(params string[] args) => CliProcess.RunAsync([.. args, "--dir", Directory]);

    public Task<CliProcess.Result> ShellAsync(params string[] args) => CliProcess.RunAsync(["shell", "--dir", Directory, .. args]);

    public int[] RecordedPids() => RingStore.LocalCluster.LocalCluster.LoadState(Directory)?.Pids ?? [];

    public bool AnyNodeRunning(IEnumerable<int> pids) => pids.Any(pid => NodeProcessProbe.IsOurNode(pid, Directory));

    public async ValueTask DisposeAsync()
    {
        var pids = RecordedPids();
        try
        {
            await CliProcess.RunAsync(["down", "--dir", Directory], timeout: TimeSpan.FromMinutes(2));
        }
        catch (TimeoutException)
        {
        }
        foreach (int pid in pids.Where(pid => NodeProcessProbe.IsOurNode(pid, Directory)))
        {
            try
            {
                using var process = Process.GetProcessById(pid);
                process.Kill();
            }
            catch (ArgumentException) { }
            catch (InvalidOperationException) { }
        }
        try { System.IO.Directory.Delete(Directory, recursive: true); }
        catch (IOException) { }
    }
}
