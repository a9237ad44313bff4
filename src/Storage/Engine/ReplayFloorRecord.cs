using System.Buffers.Binary;
using System.IO.Hashing;
using RingStore.Storage.IO;

namespace RingStore.Storage.Engine;

/// <summary>
/// How far a table's commit-log entries are already in its SSTables, so replay after a crash does not apply them again
/// (Cassandra keeps the same bound as the commit-log interval in each SSTable's metadata). Written after every flush of
/// the table: every entry of the table below <see cref="LogPosition"/> is in an SSTable that was durable before this
/// record was written. The commit log is released only below every table's unflushed data, so without this record a
/// table flushed many times would be replayed in full whenever another table pinned the log.
/// <see cref="LogId"/> ties the position to one commit log: a position of a deleted or replaced log means nothing for a
/// new one (its positions start again from zero), so a record with another id is ignored (everything is replayed).
/// Stored as <c>replay-floor.bin</c> in the table's directory: version, log id, position, XxHash32; temp file, fsync, rename.
/// </summary>
public sealed record ReplayFloorRecord(Guid LogId, long LogPosition)
{
    public const string FileName = "replay-floor.bin";
    private const byte FormatVersion = 1;
    internal const int SizeBytes = 1 + 16 + 8 + 4;

    /// <summary>The record in <paramref name="directory"/>, or null if the table was never flushed.</summary>
    /// <exception cref="InvalidDataException">The file is there but damaged.</exception>
    public static ReplayFloorRecord? Load(IStorageFileSystem fs, string directory)
    {
        ArgumentNullException.ThrowIfNull(fs);
        string path = Path.Combine(directory, FileName);
        if (!fs.Exists(path)) return null;
        Span<byte> buffer = stackalloc byte[SizeBytes];
        using (var file = fs.OpenRead(path))
        {
            if (file.Length != SizeBytes || file.ReadAt(0, buffer) != SizeBytes)
                throw new InvalidDataException($"{path}: replay floor record of {file.Length} bytes, expected {SizeBytes}.");
        }
        if (buffer[0] != FormatVersion) throw new InvalidDataException($"{path}: unknown replay floor record version {buffer[0]}.");
        if (BinaryPrimitives.ReadUInt32BigEndian(buffer[25..]) != XxHash32.HashToUInt32(buffer[..25]))
            throw new InvalidDataException($"{path}: replay floor record checksum mismatch.");
        return new ReplayFloorRecord(new Guid(buffer[1..17]), BinaryPrimitives.ReadInt64BigEndian(buffer[17..]));
    }

    /// <summary>Writes the record durably (temp file, fsync, rename, directory fsync).</summary>
    public void Save(IStorageFileSystem fs, string directory)
    {
        ArgumentNullException.ThrowIfNull(fs);
        Span<byte> buffer = stackalloc byte[SizeBytes];
        buffer[0] = FormatVersion;
        LogId.TryWriteBytes(buffer[1..17]);
        BinaryPrimitives.WriteInt64BigEndian(buffer[17..], LogPosition);
        BinaryPrimitives.WriteUInt32BigEndian(buffer[25..], XxHash32.HashToUInt32(buffer[..25]));
        AtomicFile.Write(fs, Path.Combine(directory, FileName), buffer);
    }
}
