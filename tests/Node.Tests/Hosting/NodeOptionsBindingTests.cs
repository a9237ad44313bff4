using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RingStore.Node.Hosting;

namespace RingStore.Node.Tests.Hosting;

/// <summary>The operator's switches reach <see cref="NodeOptions"/>, and bad values stop the node before it starts.</summary>
public sealed class NodeOptionsBindingTests
{
    [Fact]
    public async Task Command_line_switches_bind_to_the_node_options()
    {
        await using var app = Program.Build(["--grpc-port", "19042", "--internode-port", "17000", "--memtable-mib", "32", "--compaction-mib-per-sec", "40"]);
        var options = app.Services.GetRequiredService<IOptions<NodeOptions>>().Value;
        Assert.Equal(32, options.MemtableBudgetMiB);
        Assert.Equal(40, options.CompactionThroughputMiBPerSecond);
        Assert.Equal(19042, options.GrpcPort);
    }

    [Fact]
    public async Task The_native_protocol_has_9042_and_gRPC_9160_unless_told_otherwise()
    {
        await using var app = Program.Build([]);
        var options = app.Services.GetRequiredService<IOptions<NodeOptions>>().Value;
        Assert.Equal((9042, 9160), (options.NativePort, options.GrpcPort));
        Assert.Equal((9042, 9160), (new NodeOptions().NativePort, new NodeOptions().GrpcPort));
        await using var off = Program.Build(["--native-port", "0"]);
        Assert.Equal(0, off.Services.GetRequiredService<IOptions<NodeOptions>>().Value.NativePort);
        Assert.Throws<InvalidOperationException>(() => Program.Build(["--native-port", "9160"]));
    }

    [Fact]
    public async Task Compaction_is_capped_at_16_MiB_per_second_unless_told_otherwise()
    {
        // appsettings.json and the NodeOptions default agree; 0 (unlimited) stays available.
        await using var app = Program.Build([]);
        Assert.Equal(16, app.Services.GetRequiredService<IOptions<NodeOptions>>().Value.CompactionThroughputMiBPerSecond);
        Assert.Equal(16, new NodeOptions().CompactionThroughputMiBPerSecond);
        await using var unlimited = Program.Build(["--compaction-mib-per-sec", "0"]);
        Assert.Equal(0, unlimited.Services.GetRequiredService<IOptions<NodeOptions>>().Value.CompactionThroughputMiBPerSecond);
    }

    [Theory]
    [InlineData("--compaction-mib-per-sec", "-1", "CompactionThroughputMiBPerSecond")]
    [InlineData("--memtable-mib", "0", "MemtableBudgetMiB")]
    [InlineData("--compaction-large-partition-warning-mib", "-1", "CompactionLargePartitionWarningMiB")]
    public void A_bad_value_is_refused_with_the_setting_named(string flag, string value, string setting)
    {
        var error = Assert.Throws<InvalidOperationException>(() => Program.Build([flag, value]));
        Assert.Contains(setting, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Compaction_warns_of_partitions_over_100_MiB_unless_told_otherwise()
    {
        await using var app = Program.Build([]);
        Assert.Equal(100, app.Services.GetRequiredService<IOptions<NodeOptions>>().Value.CompactionLargePartitionWarningMiB);
        await using var custom = Program.Build(["--compaction-large-partition-warning-mib", "250"]);
        Assert.Equal(250, custom.Services.GetRequiredService<IOptions<NodeOptions>>().Value.CompactionLargePartitionWarningMiB);
    }
}
