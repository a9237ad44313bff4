using System.Globalization;
using System.Text.RegularExpressions;
using RingStore.Client.Protos;

namespace RingStore.Cluster.Tests;

/// <summary>
/// Issue 12: a replica SIGKILLed while `ringstore repair` runs. The ranges it was part of fail with a message naming it
/// (exit 1), the cluster keeps serving QUORUM, and once it is back a second repair completes and leaves every replica
/// equal. Real node processes and the real CLI.
/// </summary>
[Collection(ProcessClusterCollection.Name)]
public sealed partial class RepairKillTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();

    private void Step(string what) => output.WriteLine($"{_clock.Elapsed.TotalSeconds,6:0.0} s  {what}");

    private const string Keyspace = "repairkill";
    private const int Lagging = 2;
    /// <summary>The replica SIGKILLed mid-repair: the lagging one, so the range in flight is cut while rows are being written to it.</summary>
    private const int Killed = Lagging;
    private const int Rows = 4000;
    private static readonly string Payload = new('v', 2048);

    [GeneratedRegex(@"\[(\d+)/(\d+)\] repairkill\.kv \(-?\d+, -?\d+\] ok;")]
    private static partial Regex RangeOk();

    [GeneratedRegex(@"done: (\d+)/(\d+) ranges repaired, (\d+) failed; rows compared [\d,]+, differing ([\d,]+), sent ([\d,]+)")]
    private static partial Regex Summary();

    [Fact]
    public async Task A_replica_SIGKILLed_mid_repair_fails_its_ranges_by_name_the_cluster_keeps_serving_and_a_second_repair_completes()
    {
        // Hints off in effect (a node down longer than 1 ms gets none), and repair's fetches throttled to 0.5 MiB/s, so
        // repairing the ~8 MiB the lagging node lacks takes ~16 s: long enough to kill a replica in the middle.
        await using var cluster = await ProcessCluster.StartAsync(3, new Dictionary<string, string>
        {
            ["HintWindow"] = "00:00:00.001",
            ["StreamThroughputMiBPerSecond"] = "0.5",
        });
        await cluster.CreateKeyspaceAsync(Keyspace, 3);
        await cluster.CreateTableAsync(KvTable.Create(Keyspace));

        await cluster.StopAsync(Lagging);
        await cluster.WaitUntilSeenDownAsync(0, Lagging);
        await cluster.WaitUntilSeenDownAsync(1, Lagging);
        Step("node 2 stopped; writing while it is down");
        await Parallel.ForEachAsync(Enumerable.Range(0, Rows), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (k, ct) =>
            await cluster.Client(k % 2).MutateAsync(KvTable.Write(Keyspace, k, Payload + k, 1_000_000 + k, Consistency.Quorum), ProcessCluster.Call(30)));
        await cluster.RestartAsync(Lagging, expectedUp: 3);
        foreach (int observer in new[] { 0, 1 })
            await ProcessCluster.WaitUntilAsync(async () => await cluster.DescribeAsync(observer, Lagging) is { Liveness: "UP" }, $"node{observer} sees node 2 UP");
        Step($"node 2 back, lacking {Rows} rows; repair through node 0");

        string host = cluster.Node(0).Options.GrpcEndpoint;
        string killed = cluster.Node(Killed).Options.InternodeEndpoint;
        using (var repair = new RingstoreCommand("repair", Keyspace, KvTable.Name, "--host", host))
        {
            // Poll the progress: the first range repaired, node 2 is SIGKILLed while the rest runs.
            int doneAtKill = 0, total = 0;
            await foreach (string line in repair.Lines.ReadAllAsync())
            {
                if (RangeOk().Match(line) is not { Success: true } m) continue;
                doneAtKill = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
                total = int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
                cluster.Kill(Killed);
                break;
            }
            Assert.True(total > 0, "no range was repaired before the repair ended\n" + repair);
            Assert.True(doneAtKill < total, $"the repair finished ({doneAtKill}/{total}) before node 2 was killed\n" + repair);
            Step($"node 2 SIGKILLed after {doneAtKill}/{total} ranges");
            int exit = await repair.WaitForExitAsync(TimeSpan.FromMinutes(5));
            Step($"first repair exited {exit}");
            output.WriteLine(repair.ToString());

            Assert.Equal(1, exit);
            var summary = Summary().Match(repair.Stdout);
            Assert.True(summary.Success, repair.ToString());
            int failed = int.Parse(summary.Groups[3].Value, CultureInfo.InvariantCulture);
            Assert.InRange(failed, 1, total - doneAtKill);
            // Every failed range is named on stderr with the replica that failed it (all ranges have node 2: RF 3 of 3).
            var failures = repair.Stderr.Split('\n').Where(l => l.StartsWith("error: failed: ", StringComparison.Ordinal)).ToList();
            Assert.Equal(failed, failures.Count);
            Assert.All(failures, f =>
            {
                Assert.Matches(@"repairkill\.kv \(-?\d+, -?\d+\]: ", f);
                Assert.Contains($"replica {killed}", f, StringComparison.Ordinal);
            });
        }

        // The cluster keeps serving at QUORUM with node 2 gone.
        await cluster.WaitUntilSeenDownAsync(0, Killed);
        await cluster.WaitUntilSeenDownAsync(1, Killed);
        for (int k = Rows; k < Rows + 50; k++)
        {
            await cluster.Client(k % 2).MutateAsync(KvTable.Write(Keyspace, k, "after the kill " + k, 2_000_000 + k, Consistency.Quorum), ProcessCluster.Call());
            var read = await cluster.Client(1 - k % 2).ReadAsync(KvTable.Read(Keyspace, k, Consistency.Quorum), ProcessCluster.Call());
            Assert.Equal("after the kill " + k, KvTable.Value(read));
        }
        Step("QUORUM writes and reads served with node 2 down; restarting it");

        await cluster.RestartAsync(Killed, expectedUp: 3);
        foreach (int observer in new[] { 0, 1 })
            await ProcessCluster.WaitUntilAsync(async () => await cluster.DescribeAsync(observer, Killed) is { Liveness: "UP" }, $"node{observer} sees node 2 UP");

        using (var second = new RingstoreCommand("repair", Keyspace, KvTable.Name, "--host", host))
        {
            int exit = await second.WaitForExitAsync(TimeSpan.FromMinutes(5));
            Step($"second repair exited {exit}");
            output.WriteLine(second.ToString());
            Assert.True(exit == 0, second.ToString());
            var summary = Summary().Match(second.Stdout);
            Assert.True(summary.Success && summary.Groups[3].Value == "0", second.ToString());
        }
        // Every replica equal: a third repair compares all three replicas' local data (Merkle trees, then row digests)
        // and finds nothing different.
        using (var third = new RingstoreCommand("repair", Keyspace, KvTable.Name, "--host", cluster.Node(Lagging).Options.GrpcEndpoint))
        {
            int exit = await third.WaitForExitAsync(TimeSpan.FromMinutes(5));
            Assert.True(exit == 0, third.ToString());
            var summary = Summary().Match(third.Stdout);
            Assert.True(summary.Success, third.ToString());
            Assert.Equal(("0", "0", "0"), (summary.Groups[3].Value, summary.Groups[4].Value, summary.Groups[5].Value));
        }
        // And each node answers ONE (its own replica first) with the rows, the lagging node included.
        for (int node = 0; node < 3; node++)
            for (int k = 0; k < Rows + 50; k += 7)
            {
                var read = await cluster.Client(node).ReadAsync(KvTable.Read(Keyspace, k, Consistency.One), ProcessCluster.Call());
                Assert.Equal(k < Rows ? Payload + k : "after the kill " + k, KvTable.Value(read));
            }
        Step("all replicas equal");
    }
}
