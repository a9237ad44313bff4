using System.Diagnostics;
using System.Globalization;

namespace RingStore.Cli.Tests;

/// <summary>
/// `ringstore status` with the first contact point hung (SIGSTOP: it accepts connections but never answers, the worst
/// case for a client). A cluster of its own, in the serial collection.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class NodeDownEndToEndTests
{
    [Fact]
    public async Task Status_answers_through_a_live_node_and_marks_the_hung_node_DN()
    {
        await using var cluster = LocalClusterHandle.Create();
        var up = await cluster.UpAsync("--no-sample");
        Assert.True(up.ExitCode == 0, up.ToString());
        int pid = cluster.RecordedPids()[0];
        string port = (cluster.BasePort).ToString(CultureInfo.InvariantCulture);
        await SignalAsync("-STOP", pid);
        try
        {
            CliProcess.Result? status = null;
            var until = DateTime.UtcNow.AddSeconds(90);
            while (DateTime.UtcNow < until)
            {
                // Every contact point at once, the first answer wins: the stopped node never holds the answer back
                // (before, the command waited for each dead contact point in turn).
                status = await cluster.RunAsync("status");
                Assert.True(status.ExitCode == 0, status.ToString());
                if (status.Stdout.Contains($"DN  127.0.0.1:{port}", StringComparison.Ordinal)) break;
                await Task.Delay(1000);
            }
            Assert.Contains($"DN  127.0.0.1:{port}", status!.Stdout, StringComparison.Ordinal);
            Assert.Equal(2, status.Stdout.Split('\n').Count(l => l.StartsWith("UN  127.0.0.1:", StringComparison.Ordinal)));

            var ring = await cluster.RunAsync("ring");
            Assert.True(ring.ExitCode == 0, ring.ToString());
        }
        finally
        {
            await SignalAsync("-KILL", pid);
        }
    }

    private static async Task SignalAsync(string signal, int pid)
    {
        using var kill = Process.Start("kill", [signal, pid.ToString(CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
    }
}
