using Microsoft.Extensions.Logging.Abstractions;
using RingStore.Node.Hosting;
using RingStore.Storage.Engine;
using RingStore.Storage.SSTables;

namespace RingStore.Node.Tests.Hosting;

/// <summary>Cassandra's disk_failure_policy table: which failure stops, kills or leaves the node serving under each policy.</summary>
public sealed class DiskFailurePolicyTests
{
    private static readonly DiskFailure CommitLog = new("commit log", new IOException("No space left on device"));
    private static readonly DiskFailure SSTableIo = new("SSTable read", new IOException("EIO: input/output error"));
    private static readonly DiskFailure SSTableCorrupt = new("SSTable read", new CorruptSSTableException("/d/ks-1-Data.db", 4096, "checksum mismatch in block 1"));
    private static readonly DiskFailure CorruptWrappingIo = new("SSTable read",
        CorruptSSTableException.FromReadError("/d/ks-1-Data.db", 4096, new IOException("EIO: input/output error")));

    public static TheoryData<DiskFailurePolicy, string, DiskFailureAction> Table() => new()
    {
        { DiskFailurePolicy.Stop, "commit", DiskFailureAction.StopServing },
        { DiskFailurePolicy.Stop, "io", DiskFailureAction.StopServing },
        { DiskFailurePolicy.Stop, "corrupt", DiskFailureAction.KeepServing },
        { DiskFailurePolicy.Stop, "wrapped", DiskFailureAction.StopServing },
        { DiskFailurePolicy.StopParanoid, "commit", DiskFailureAction.StopServing },
        { DiskFailurePolicy.StopParanoid, "io", DiskFailureAction.StopServing },
        { DiskFailurePolicy.StopParanoid, "corrupt", DiskFailureAction.StopServing },
        { DiskFailurePolicy.BestEffort, "commit", DiskFailureAction.KeepServing },
        { DiskFailurePolicy.BestEffort, "io", DiskFailureAction.KeepServing },
        { DiskFailurePolicy.BestEffort, "corrupt", DiskFailureAction.KeepServing },
        { DiskFailurePolicy.Die, "commit", DiskFailureAction.Die },
        { DiskFailurePolicy.Die, "io", DiskFailureAction.Die },
        { DiskFailurePolicy.Die, "corrupt", DiskFailureAction.Die },
    };

    private static DiskFailure Failure(string kind) => kind switch
    {
        "commit" => CommitLog,
        "io" => SSTableIo,
        "corrupt" => SSTableCorrupt,
        _ => CorruptWrappingIo,
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void Each_policy_maps_each_failure_to_its_action(DiskFailurePolicy policy, string kind, DiskFailureAction expected) =>
        Assert.Equal(expected, DiskFailureActions.For(policy, Failure(kind)));

    [Theory]
    [MemberData(nameof(Table))]
    public async Task The_handler_stops_dies_or_keeps_serving_as_the_table_says(DiskFailurePolicy policy, string kind, DiskFailureAction expected)
    {
        var stopped = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        string? died = null;
        var handler = new DiskFailureHandler(policy, NullLogger.Instance, reason =>
        {
            stopped.TrySetResult(reason);
            return Task.CompletedTask;
        }, reason => died = reason);

        handler.OnDiskFailure(Failure(kind));

        Assert.Equal(expected == DiskFailureAction.Die, died is not null);
        Assert.Equal(expected == DiskFailureAction.StopServing, handler.Stopped);
        if (expected == DiskFailureAction.StopServing)
            Assert.Contains(Failure(kind).Where, await stopped.Task.WaitAsync(TimeSpan.FromSeconds(30)), StringComparison.Ordinal);
        else Assert.False(stopped.Task.IsCompleted);
    }

    [Fact]
    public async Task The_stop_paranoid_policy_binds_from_the_command_line()
    {
        await using var app = Program.Build(["--disk-failure-policy", "StopParanoid"]);
        Assert.Equal(DiskFailurePolicy.StopParanoid,
            Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Microsoft.Extensions.Options.IOptions<NodeOptions>>(app.Services).Value.DiskFailurePolicy);
    }
}
