using System.Buffers.Binary;
using RingStore.Core.Data;
using RingStore.Core.Schema;
using RingStore.Core.Values;
using RingStore.Storage.CommitLog;
using RingStore.Storage.Engine;

// Usage: CommitLogCrashChild <directory> <firstSequence> <writers> [log|engine]
// In "engine" mode it writes rows through the whole StorageEngine (group sync, small memtables so
// flushes and commit-log releases happen while it is killed) instead of the bare commit log.
// Prints "ACK <sequence> END" after each append is acknowledged (group sync: acknowledged = fsynced), so the parent
// knows exactly which writes the log promised to keep. Stops by itself after 60 s in case the parent never kills it.
string directory = args[0];
long next = long.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) - 1;
int writers = int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture);

var stdout = new StreamWriter(Console.OpenStandardOutput()) { AutoFlush = false };
var outputLock = new Lock();
if (args.Length > 3 && args[3] == "engine")
{
    await EngineMode.RunAsync(directory, next, writers, stdout, outputLock);
    return;
}
var options = new CommitLogOptions { Directory = directory, SyncMode = CommitLogSyncMode.Group, SegmentSizeBytes = 1L << 20 };
await using var log = CommitLog.Open(options);
stdout.WriteLine("READY");
stdout.Flush();

using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
await Task.WhenAll(Enumerable.Range(0, writers).Select(_ => Task.Run(async () =>
{
    var payload = new byte[100];
    while (!stop.IsCancellationRequested)
    {
        long sequence = Interlocked.Increment(ref next);
        BinaryPrimitives.WriteInt64LittleEndian(payload, sequence);
        await log.AppendAsync(payload);
        lock (outputLock)
        {
            // One write + flush per line: a pipe write this small is atomic, so a kill never leaves half a line.
            stdout.Write($"ACK {sequence} END\n");
            stdout.Flush();
        }
    }
})));

/// <summary>The engine-level variant: every acknowledged row must be readable after the kill.</summary>
public static class EngineMode
{
    public static readonly TableSchema Schema = new(
        "crash", "rows",
        [new ColumnDefinition("id", ColumnType.BigInt)],
        [new ClusteringColumn("seq", ColumnType.BigInt)],
        [new ColumnDefinition("v", ColumnType.Blob)],
        null,
        Guid.Parse("00000000-0000-0000-0000-00000000c0de"));

    public static async Task RunAsync(string directory, long next, int writers, StreamWriter stdout, Lock outputLock)
    {
        var options = new StorageEngineOptions
        {
            DataDirectory = directory,
            CommitLogSync = CommitLogSyncMode.Group,
            MemtableFlushThresholdBytes = 256 * 1024,
        };
        await using var engine = StorageEngine.Open(options, [Schema]);
        stdout.WriteLine("READY");
        stdout.Flush();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await Task.WhenAll(Enumerable.Range(0, writers).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                long sequence = Interlocked.Increment(ref next);
                var row = new Row(ClusteringKeyCodec.Encode(Schema.Clustering, [sequence]), LivenessInfo.At(sequence + 1),
                    DeletionTime.Live, [Cell.Live(0, sequence + 1, new byte[100])]);
                await engine.ApplyAsync(PartitionUpdate.OfRows(Schema.FullName, PartitionKeyCodec.Serialize(Schema.PartitionKey, [sequence % 16]), row));
                lock (outputLock)
                {
                    stdout.Write($"ACK {sequence} END\n");
                    stdout.Flush();
                }
            }
        })));
    }
}
