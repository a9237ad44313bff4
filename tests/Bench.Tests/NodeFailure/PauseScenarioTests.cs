using System.Text.Json;
using RingStore.Bench.Scenarios;

namespace RingStore.Bench.Tests.NodeFailure;

/// <summary>
/// `bench node-failure --pause` end to end on 3 real node processes, shortened (SIGSTOP at 4 s for 4 s, 12 s of
/// load): the run finishes, thaws and stops its nodes, writes every figure of the mode, and loses nothing. Speed is
/// the benchmark's business, not asserted here.
/// </summary>
[Collection(NodeProcessCollection.Name)]
public sealed class PauseScenarioTests
{
    [Fact]
    public void A_short_pause_run_loses_no_acknowledged_write_and_applies_nothing_visibly_twice()
    {
        string outBase = Path.Combine(Path.GetTempPath(), $"rs-bench-pause-test-{Guid.NewGuid():N}", "nf");
        try
        {
            int basePort = PortBlock.FindBase(3);
            int exit = NodeFailureScenario.Run(["--pause", "--kill-at", "4", "--pause-seconds", "4", "--duration", "12",
                "--concurrency", "4", "--ids", "50", "--base-port", basePort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--out", outBase]);
            Assert.Equal(0, exit);

            using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(outBase + "-pause", "node-failure.json")));
            var r = json.RootElement;
            Assert.Equal("pause", r.GetProperty("fault").GetString());
            Assert.Equal(0, r.GetProperty("lost_writes").GetInt64());
            Assert.Equal(0, r.GetProperty("wrong_reads").GetInt64());
            Assert.True(r.GetProperty("failed_requests").GetInt64() >= 0);

            // The phases: steady before the fault, "during" = exactly the pause's whole seconds.
            Assert.Equal(4, r.GetProperty("during").GetProperty("from_s").GetDouble());
            Assert.Equal(8, r.GetProperty("during").GetProperty("to_s").GetDouble());
            Assert.True(r.GetProperty("steady").GetProperty("ops").GetInt64() > 0);
            Assert.Equal(JsonValueKind.Number, r.GetProperty("throughput_during_fault_fraction").ValueKind);
            Assert.True(r.GetProperty("attempts_sent").GetInt64() >= r.GetProperty("requests_issued").GetInt64() - r.GetProperty("failed_requests").GetInt64());
            var down = r.GetProperty("seconds_until_marked_down");
            Assert.True(down.TryGetProperty("node0", out _) && down.TryGetProperty("node1", out _));

            // The QUORUM read-back saw every acknowledged write, and nothing the load did not write or wrote twice.
            var q = r.GetProperty("quorum_read_back");
            Assert.True(q.GetProperty("acked_writes").GetInt64() > 0);
            Assert.True(q.GetProperty("rows_read").GetInt64() >= q.GetProperty("acked_writes").GetInt64());
            Assert.Equal(0, q.GetProperty("acked_missing_or_wrong").GetInt64());
            Assert.Equal(0, q.GetProperty("unexpected_rows").GetInt64());
            Assert.Equal(0, q.GetProperty("wrong_values").GetInt64());
            Assert.Equal(0, q.GetProperty("duplicate_rows").GetInt64());
            Assert.Equal(0, q.GetProperty("partitions_unread").GetInt64());
            // ...and the per-replica read-back after it agrees.
            Assert.Equal(0, r.GetProperty("read_back").GetProperty("lost_writes").GetInt64());
            Assert.True(File.Exists(Path.Combine(outBase + "-pause", "report.md")));
        }
        finally
        {
            try { Directory.Delete(Path.GetDirectoryName(outBase)!, recursive: true); }
            catch (IOException) { }
        }
    }
}
