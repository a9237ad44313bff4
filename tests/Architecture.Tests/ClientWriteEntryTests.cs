using System.Reflection;
using RingStore.Node.Requests;

namespace RingStore.Architecture.Tests;

/// <summary>
/// One entry point for client writes: the gRPC Mutate call (unary and in a Session), the CQL executor (gRPC Execute and
/// the native protocol) and the snapshot Load call all go through <see cref="ClientWrites"/>, which stamps, folds per
/// partition, validates and checks limits before it hands each partition to <see cref="WriteCoordinator"/>. Besides it
/// only the batchlog calls the coordinator directly (a LOGGED batch's partitions after the batchlog write, and replay
/// of stored batches, both already validated). Checked on the compiled code: every caller of
/// <c>WriteCoordinator.WriteAsync</c>, lambdas and state machines counted as their owner.
/// </summary>
public class ClientWriteEntryTests
{
    private static readonly string[] MayCallTheCoordinator =
    [
        "RingStore.Node.Batchlog.BatchlogReplayer",
        "RingStore.Node.Batchlog.BatchlogWriter",
        "RingStore.Node.Requests.ClientWrites",
    ];

    private static string Owner(Type type)
    {
        while (type.DeclaringType is { } outer) type = outer;
        return type.FullName!;
    }

    [Fact]
    public void Only_client_writes_and_the_batchlog_call_the_write_coordinator()
    {
        var callers = typeof(WriteCoordinator).Assembly.GetTypes()
            .Where(t => IlScan.Methods(t).SelectMany(IlScan.MembersUsedBy)
                .Any(m => m is MethodInfo { Name: nameof(WriteCoordinator.WriteAsync) } called && called.DeclaringType == typeof(WriteCoordinator)))
            .Select(Owner).Distinct().Order(StringComparer.Ordinal).ToArray();
        // Equal, not a subset: the list cannot go stale, and a scan that matched nothing would fail too.
        Assert.Equal(MayCallTheCoordinator, callers);
    }
}
