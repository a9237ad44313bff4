using RingStore.Cli.Cluster;
using RingStore.Cli.CommandLine;

namespace RingStore.Cli.Tests;

/// <summary><c>--ca FILE</c> is accepted by every command: taken out before the command's own parsing.</summary>
[Collection(ClusterCollection.Name)] // CliTls.CaFile is process-wide: keep these off the parallel tests
public sealed class CliTlsOptionTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "ringstore-clitls-" + Guid.NewGuid().ToString("N")[..8]);

    public CliTlsOptionTests()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "tls"));
        CliTls.CaFile = null;
    }

    [Fact]
    public void Ca_option_is_removed_from_the_arguments_in_both_spellings()
    {
        var ca = Path.Combine(_dir, "ca.pem");
        File.WriteAllText(ca, "x");

        Assert.Equal(["status", "--host", "h:1"], CliTls.TakeCaOption(["status", "--ca", ca, "--host", "h:1"]));
        Assert.Equal(ca, CliTls.CaFile);
        CliTls.CaFile = null;
        Assert.Equal(["-e", "x", "--", "--ca"], CliTls.TakeCaOption(["-e", "x", $"--ca={ca}", "--", "--ca"]));
        Assert.Equal(ca, CliTls.CaFile);
    }

    [Fact]
    public void Missing_ca_file_or_value_is_a_usage_error()
    {
        Assert.Throws<UsageException>(() => CliTls.TakeCaOption(["--ca", Path.Combine(_dir, "nope.pem")]));
        Assert.Throws<UsageException>(() => CliTls.TakeCaOption(["--ca"]));
    }

    [Fact]
    public void A_local_tls_cluster_directory_is_trusted_without_ca_unless_host_is_given()
    {
        File.WriteAllText(Path.Combine(_dir, "tls", "ca.pem"), "x");

        CliTls.TakeCaOption(["--dir", _dir]);
        Assert.Equal(Path.Combine(_dir, "tls", "ca.pem"), CliTls.CaFile);
        CliTls.CaFile = null;
        CliTls.TakeCaOption(["--dir", _dir, "--host", "h:1"]);
        Assert.Null(CliTls.CaFile);
    }

    public void Dispose()
    {
        CliTls.CaFile = null;
        Directory.Delete(_dir, recursive: true);
    }
}
