using System.Buffers.Binary;
using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using RingStore.Storage.CommitLog;

namespace RingStore.Storage.Tests.CommitLog;

/// <summary>A fresh temp directory per test, deleted on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "ringstore-cl-" + Guid.NewGuid().ToString("N"));

    public TempDirectory() => Directory.CreateDirectory(Path);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

/// <summary>Collects log records so tests can assert that a warning was logged.</summary>
internal sealed class ListLogger : ILogger
{
    public ConcurrentQueue<(LogLevel Level, string Message)> Records { get; } = new();

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Records.Enqueue((logLevel, formatter(state, exception)));

    public bool Has(LogLevel level, string fragment) => Records.Any(r => r.Level == level && r.Message.Contains(fragment, StringComparison.Ordinal));
}

internal static class Payloads
{
    /// <summary>A payload that encodes its sequence number, padded to <paramref name="size"/> bytes.</summary>
    public static byte[] For(long sequence, int size = 100)
    {
        var bytes = new byte[Math.Max(size, 8)];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, sequence);
        for (int i = 8; i < bytes.Length; i++)
            bytes[i] = (byte)(sequence * 31 + i);
        return bytes;
    }

    public static long SequenceOf(byte[] payload) => BinaryPrimitives.ReadInt64LittleEndian(payload);

    public static string SegmentFile(string directory, long position, long segmentSizeBytes) =>
        System.IO.Path.Combine(directory, $"commitlog.log.{position / segmentSizeBytes}");

    /// <summary>Flips one byte of the entry at <paramref name="position"/>, <paramref name="delta"/> bytes into the entry.</summary>
    public static void FlipByte(string directory, long position, long segmentSizeBytes, int delta)
    {
        using var file = new FileStream(SegmentFile(directory, position, segmentSizeBytes), FileMode.Open, FileAccess.ReadWrite);
        file.Position = (position % segmentSizeBytes) + delta;
        int b = file.ReadByte();
        file.Position -= 1;
        file.WriteByte((byte)(b ^ 0x5A));
        file.Flush(flushToDisk: true);
    }

    public static CommitLogOptions Options(string directory, CommitLogSyncMode mode = CommitLogSyncMode.Periodic, long segment = 1L << 20) =>
        new() { Directory = directory, SyncMode = mode, SegmentSizeBytes = segment };
}
