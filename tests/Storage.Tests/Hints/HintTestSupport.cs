using System.Buffers.Binary;
using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using RingStore.Core.Data;
using RingStore.Storage.Hints;
using ListLogger = RingStore.Storage.Tests.CommitLog.ListLogger;

namespace RingStore.Storage.Tests.Hints;

internal static class HintData
{
    /// <summary>A mutation whose partition key encodes <paramref name="sequence"/>, with a value of <paramref name="valueBytes"/>.</summary>
    public static PartitionUpdate Mutation(long sequence, int valueBytes = 40)
    {
        var key = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(key, sequence);
        var value = new byte[valueBytes];
        for (int i = 0; i < value.Length; i++)
            value[i] = (byte)(sequence * 7 + i);
        var row = new Row([], LivenessInfo.At(sequence), DeletionTime.Live, [Cell.Live(0, sequence, value)]);
        return PartitionUpdate.OfRows("ks.hinted", key, row);
    }

    public static long SequenceOf(PartitionUpdate mutation) => BinaryPrimitives.ReadInt64BigEndian(mutation.PartitionKey);

    public static HintStoreOptions Options(string directory, long segmentSizeBytes = 1L << 20) => new()
    {
        Directory = directory,
        SegmentSizeBytes = segmentSizeBytes,
        ReplayThrottleKiBPerSecond = 0,
    };

    public static async Task AppendRange(HintStore store, Guid target, long from, long count, int valueBytes = 40)
    {
        for (long i = from; i < from + count; i++)
            await store.AppendAsync(target, Mutation(i, valueBytes));
    }

    public static IEnumerable<long> Range(long from, long count)
    {
        for (long i = from; i < from + count; i++)
            yield return i;
    }
}

/// <summary>A sender that records what it received and acknowledges while <see cref="Accept"/> says so.</summary>
internal sealed class RecordingSender
{
    public ConcurrentQueue<long> Received { get; } = new();

    public Func<long, bool> Accept { get; init; } = _ => true;

    public Task<bool> SendAsync(PartitionUpdate mutation, CancellationToken ct)
    {
        long sequence = HintData.SequenceOf(mutation);
        Received.Enqueue(sequence);
        return Task.FromResult(Accept(sequence));
    }
}

/// <summary>Hands the same <see cref="ListLogger"/> to every category so tests can assert on warnings.</summary>
internal sealed class ListLoggerFactory : ILoggerFactory
{
    public ListLogger Logger { get; } = new();

    public ILogger CreateLogger(string categoryName) => Logger;

    public void AddProvider(ILoggerProvider provider) { }

    public void Dispose() { }
}

/// <summary>
/// A fake clock that remembers every timer due time it is asked for, so a test can advance virtual time exactly
/// when (and by as much as) the code under test waits, instead of guessing with wall-clock sleeps.
/// </summary>
internal sealed class WaitTrackingTimeProvider : FakeTimeProvider
{
    private readonly ConcurrentQueue<TimeSpan> _requested = new();

    public ConcurrentQueue<TimeSpan> Requested => _requested;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        _requested.Enqueue(dueTime);
        return base.CreateTimer(callback, state, dueTime, period);
    }
}
