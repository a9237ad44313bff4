using System.Text.RegularExpressions;

namespace RingStore.Cli.Tests;

/// <summary>`ringstore simulate` as a child process: the summary, the exit codes, the failure trace and its replay.</summary>
public sealed partial class SimulateCommandTests
{
    [Fact]
    public async Task One_seed_prints_the_summary_and_exits_zero()
    {
        var result = await CliProcess.RunAsync(["simulate", "--seed", "3", "--duration", "5s"]);
        Assert.True(result.ExitCode == 0, result.ToString());
        foreach (string expected in new[] { "seed 3", "5 nodes, RF 3", "write", "delete", "read", "QUORUM", "ONE", "ALL", "crash", "pause",
                     "partition (one-way)", "disk failure", "message duplicated", "violations", "simulated time", "operations per wall second", "event log hash",
                     "storage engine on in-memory disks", "engine flushes / compactions", "entries replayed at restarts" })
            Assert.Contains(expected, result.Stdout, StringComparison.Ordinal);
        Assert.Matches(ViolationsRow(), result.Stdout);
    }

    [Fact]
    public async Task The_same_seed_gives_the_same_event_log_in_two_processes()
    {
        var a = await CliProcess.RunAsync(["simulate", "--seed", "11", "--duration", "3s", "--faults", "crash,partition,loss"]);
        var b = await CliProcess.RunAsync(["simulate", "--seed", "11", "--duration", "3s", "--faults", "crash,partition,loss"]);
        Assert.True(a.ExitCode == 0, a.ToString());
        Assert.Equal(Hash(a.Stdout), Hash(b.Stdout));
        Assert.Contains("faults crash,partition,loss", a.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Several_seeds_run_and_report_none_failing()
    {
        var result = await CliProcess.RunAsync(["simulate", "--seeds", "3", "--seed", "5", "--duration", "2s", "--nodes", "4", "--rf", "3"]);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("seeds 5..7", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("4 nodes", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_planted_bug_fails_with_the_seed_a_trace_and_a_command_that_replays_it()
    {
        var result = await CliProcess.RunAsync(["simulate", "--seeds", "30", "--duration", "4s", "--bug", "ack-quorum-after-one", "--trace-lines", "50"]);
        Assert.True(result.ExitCode == 1, result.ToString());
        var failed = FailedSeed().Match(result.Stdout);
        Assert.True(failed.Success, result.ToString());
        Assert.Contains("[lost-write]", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("trace of key", result.Stdout, StringComparison.Ordinal);
        var reproduce = Reproduce().Match(result.Stdout);
        Assert.True(reproduce.Success, result.ToString());
        Assert.Contains($"--seed {failed.Groups[1].Value} ", reproduce.Value, StringComparison.Ordinal);

        // The printed command replays the very same failure.
        var replay = await CliProcess.RunAsync(reproduce.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(1, replay.ExitCode);
        Assert.Equal(FirstViolation(result.Stdout), FirstViolation(replay.Stdout));
    }

    [Theory]
    [InlineData("skip-range-repair")]
    [InlineData("non-blocking-range-repair")]
    public async Task A_planted_range_repair_bug_fails_with_a_scan_not_repaired_violation(string bug)
    {
        var result = await CliProcess.RunAsync(["simulate", "--seeds", "30", "--duration", "4s", "--bug", bug]);
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("[scan-not-repaired]", result.Stdout, StringComparison.Ordinal);
        Assert.Contains($"--bug {bug}", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ring_changes_and_repairs_run_when_named_and_keep_every_guarantee()
    {
        var result = await CliProcess.RunAsync(["simulate", "--seeds", "3", "--duration", "4s", "--faults", "crash,loss,join,leave,repair"]);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Matches(ViolationsRow(), result.Stdout);
        Assert.Matches(@"join\s*│\s*[1-9]", result.Stdout);
        Assert.Matches(@"repair\s*│\s*[1-9]", result.Stdout);
    }

    [Fact]
    public async Task A_hint_store_whose_fsyncs_lie_fails_with_a_hint_lost_violation()
    {
        var result = await CliProcess.RunAsync(["simulate", "--seeds", "30", "--duration", "4s", "--keys", "20", "--faults", "crash,loss", "--bug", "hints-not-synced"]);
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("[hint-lost]", result.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--faults", "crash,meteor")]
    [InlineData("--duration", "soon")]
    [InlineData("--bug", "nonsense")]
    [InlineData("--storage", "tape")]
    public async Task Bad_options_are_usage_errors(string option, string value)
    {
        var result = await CliProcess.RunAsync(["simulate", option, value]);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("usage: ringstore simulate", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_model_store_runs_on_request_and_its_reproduce_line_says_so()
    {
        var result = await CliProcess.RunAsync(["simulate", "--seeds", "30", "--duration", "4s", "--bug", "ack-quorum-after-one", "--storage", "model"]);
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("model store", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("--storage model", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("engine flushes", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_replication_factor_above_the_node_count_is_a_usage_error()
    {
        var result = await CliProcess.RunAsync(["simulate", "--nodes", "2", "--rf", "3"]);
        Assert.Equal(2, result.ExitCode);
    }

    private static string Hash(string stdout) => EventLogHash().Match(stdout) is { Success: true } m ? m.Groups[1].Value : throw new Xunit.Sdk.XunitException(stdout);

    private static string FirstViolation(string stdout) => stdout.Split('\n').First(l => l.StartsWith("  [", StringComparison.Ordinal));

    [GeneratedRegex(@"violations\s*│?\s*0\b")]
    private static partial Regex ViolationsRow();

    [GeneratedRegex(@"event log hash\s*│?\s*([0-9a-f]{16})")]
    private static partial Regex EventLogHash();

    [GeneratedRegex(@"FAILED: seed (\d+)")]
    private static partial Regex FailedSeed();

    [GeneratedRegex(@"reproduce: ringstore (simulate [^\n]+)")]
    private static partial Regex Reproduce();
}
