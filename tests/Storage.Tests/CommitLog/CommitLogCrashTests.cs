using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Log = RingStore.Storage.CommitLog.CommitLog;

namespace RingStore.Storage.Tests.CommitLog;

/// <summary>
/// A real process appends under group sync and reports each acknowledged write; it is SIGKILLed at a random moment.
/// Every acknowledged write must be replayed after reopening (group sync promises durability at acknowledgement).
/// </summary>
public sealed class CommitLogCrashTests
{
    [Fact]
    public async Task Every_acknowledged_group_write_survives_SIGKILL()
    {
        using var dir = new TempDirectory();
        var random = new Random(Environment.TickCount);
        var allAcked = new HashSet<long>();
        for (int round = 0; round < 3; round++)
        {
            int killAfterAcks = random.Next(20, 3000);
            var acked = await RunChildAndKill(dir.Path, firstSequence: round * 1_000_000L, killAfterAcks, random.Next(0, 30));
            Assert.True(acked.Count >= killAfterAcks, $"round {round}: child acknowledged only {acked.Count} writes");
            allAcked.UnionWith(acked);

            // Reopening also proves the crashed log recovers cleanly (no corruption exception) each round.
            await using var log = Log.Open(Payloads.Options(dir.Path, segment: 1L << 20));
            var replayed = log.Replay().Select(e => Payloads.SequenceOf(e.Payload)).ToHashSet();
            var missing = allAcked.Where(s => !replayed.Contains(s)).Take(5).ToList();
            Assert.True(missing.Count == 0, $"round {round}: acknowledged writes lost, e.g. {string.Join(", ", missing)}");
        }
    }

    internal static async Task<List<long>> RunChildAndKill(string directory, long firstSequence, int killAfterAcks, int extraDelayMs, string mode = "log")
    {
        string childDll = Path.Combine(AppContext.BaseDirectory, "CommitLogCrashChild.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(childDll);
        start.ArgumentList.Add(directory);
        start.ArgumentList.Add(firstSequence.ToString(CultureInfo.InvariantCulture));
        start.ArgumentList.Add("8");
        start.ArgumentList.Add(mode);

        using var child = Process.Start(start) ?? throw new InvalidOperationException("could not start the crash child");
        var acked = new ConcurrentQueue<long>();
        var enough = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stderr = child.StandardError.ReadToEndAsync();
        var reader = Task.Run(async () =>
        {
            while (await child.StandardOutput.ReadLineAsync() is { } line)
            {
                var parts = line.Split(' ');
                if (parts is ["ACK", var number, "END"])
                {
                    acked.Enqueue(long.Parse(number, CultureInfo.InvariantCulture));
                    if (acked.Count >= killAfterAcks)
                        enough.TrySetResult();
                }
            }
            enough.TrySetResult(); // child exited on its own (a failure the assertion reports)
        });
        try
        {
            await enough.Task.WaitAsync(TimeSpan.FromSeconds(20));
            await Task.Delay(extraDelayMs);
        }
        finally
        {
            child.Kill(entireProcessTree: true); // SIGKILL on Unix: no finalizers, no final commit
            await child.WaitForExitAsync();
        }
        await reader; // lines written before the kill are still in the pipe
        Assert.True(acked.Count > 0, "child produced no acknowledgements; stderr: " + await stderr);
        return [.. acked];
    }
}
