using System.Buffers.Binary;
using RingStore.Storage.CommitLog;

// Usage: CommitLogCrashChild <directory> <firstSequence> <writers>
// Prints "ACK <sequence> END" after each append is acknowledged (group sync: acknowledged = fsynced), so the parent
// knows exactly which writes the log promised to keep. Stops by itself after 60 s in case the parent never kills it.
string directory = args[0];
long next = long.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) - 1;
int writers = int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture);

var stdout = new StreamWriter(Console.OpenStandardOutput()) { AutoFlush = false };
var outputLock = new Lock();
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
