using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RingStore.Node.Hosting;

namespace RingStore.Node.Tests.Hosting;

/// <summary>
/// <c>--config PATH</c>: an operator's JSON file (docs/DEPLOY.md's /etc/ringstore/ringstore.json) over the defaults
/// beside the binary, under the switches; a missing or malformed file stops the start naming it.
/// </summary>
public sealed class ConfigFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ringstore-config-").FullName;

    [Fact]
    public async Task The_file_sets_options_and_switches_still_win()
    {
        string file = Path.Combine(_dir, "ringstore.json");
        File.WriteAllText(file, """
            { "RingStore": { "ClusterName": "prod", "ListenAddress": "0.0.0.0", "BroadcastAddress": "10.0.0.11",
                             "Seeds": "10.0.0.11,10.0.0.12", "NumTokens": 16, "GrpcPort": 19160 } }
            """);
        await using var app = Program.Build(["--config", file, "--grpc-port", "19161"]);
        var options = app.Services.GetRequiredService<IOptions<NodeOptions>>().Value;
        Assert.Equal(("prod", "0.0.0.0", "10.0.0.11", 16), (options.ClusterName, options.ListenAddress, options.BroadcastAddress, options.NumTokens));
        Assert.Equal(["10.0.0.11:7000", "10.0.0.12:7000"], options.SeedList());
        Assert.Equal(19161, options.GrpcPort);
        Assert.Equal(9042, options.NativePort); // from the defaults beside the binary
    }

    [Fact]
    public void A_missing_or_malformed_file_stops_the_start_naming_it()
    {
        string missing = Path.Combine(_dir, "nope.json");
        Assert.Contains(missing, Assert.Throws<InvalidOperationException>(() => Program.Build(["--config", missing])).Message, StringComparison.Ordinal);
        string bad = Path.Combine(_dir, "bad.json");
        File.WriteAllText(bad, "{ \"RingStore\": { \"NumTokens\": ");
        var error = Assert.Throws<InvalidOperationException>(() => Program.Build([$"--config={bad}"]));
        Assert.Contains(bad, error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
