using RingStore.Bench;

namespace RingStore.Bench.Tests.Cli;

/// <summary>
/// `bench &lt;scenario&gt; --help` prints the usage and exits 0 without running anything (it used to ignore the option and
/// start a full cluster benchmark, overwriting bench/results). Usage goes to standard error, so the test swaps it.
/// </summary>
[Collection(NodeProcessCollection.Name)] // swaps Console.Error, which other tests in the collection do not touch
public sealed class BenchHelpTests
{
    [Theory]
    [InlineData("cluster", "--help")]
    [InlineData("storage", "-h")]
    [InlineData("--help")]
    [InlineData("node-failure", "--pause", "--help")]
    public void Help_prints_the_usage_and_runs_nothing(params string[] args)
    {
        var error = new StringWriter();
        var before = Console.Error;
        Console.SetError(error);
        int code;
        try { code = Program.Main(args); }
        finally { Console.SetError(before); }
        Assert.Equal(0, code);
        Assert.Contains("usage: bench <scenario> [options]", error.ToString());
        Assert.DoesNotContain("unknown scenario", error.ToString());
    }

    [Fact]
    public void An_unknown_scenario_is_an_error()
    {
        var error = new StringWriter();
        var before = Console.Error;
        Console.SetError(error);
        int code;
        try { code = Program.Main(["clustr"]); }
        finally { Console.SetError(before); }
        Assert.Equal(2, code);
        Assert.Contains("unknown scenario 'clustr'", error.ToString());
    }
}
