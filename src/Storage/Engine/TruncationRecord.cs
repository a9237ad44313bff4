using System.Buffers.Binary;
using System.IO.Hashing;
using RingStore.Storage.IO;

namespace RingStore.Storage.Engine;

/// <summary>
/// What a TRUNCATE of a table left behind on disk, so a restart does not bring the data back: commit-log entries
/// of the table below <see cref="LogPosition"/> are not replayed, and SSTables with a generation below
/// <see cref="GenerationFloor"/> are deleted at open (a crash between writing this record and deleting the files
/// must not resurrect them). Stored as <c>truncated.bin</c> in the table's directory: version, position,
/// generation floor and an XxHash32 of those, written to a temp file, fsynced and renamed.
/// </summary>
public sealed record TruncationRecord(long LogPosition, long GenerationFloor)
{
    public const string FileName = "truncated.bin";
    private const byte FormatVersion = 1;
    private const int SizeBytes = 1 + 8 + 8 + 4;

    public static readonly TruncationRecord None = new(long.MinValue, long.MinValue);

    /// <summary>The record in <paramref name="directory"/>, or <see cref="None"/> if the table was never truncated.</summary>
    /// <exception cref="InvalidDataException">The file is there but damaged: refusing to guess is safer than resurrecting data.</exception>
    public static TruncationRecord Load(IStorageFileSystem fs, string directory)
    {
        ArgumentNullException.ThrowIfNull(fs);
        string path = Path.Combine(directory, FileName);
        if (!fs.Exists(path)) return None;
        Span<byte> buffer = stackalloc byte[SizeBytes];
        using (var file = fs.OpenRead(path))
        {
            if (file.Length != SizeBytes || file.ReadAt(0, buffer) != SizeBytes)
                throw new InvalidDataException($"{path}: truncation record of {file.Length} bytes, expected {SizeBytes}.");
        }
        if (buffer[0] != FormatVersion) throw new InvalidDataException($"{path}: unknown truncation record version {buffer[0]}.");
        if (BinaryPrimitives.ReadUInt32BigEndian(buffer[17..]) != XxHash32.HashToUInt32(buffer[..17]))
            throw new InvalidDataException($"{path}: truncation record checksum mismatch.");
        return new TruncationRecord(BinaryPrimitives.ReadInt64BigEndian(buffer[1..]), BinaryPrimitives.ReadInt64BigEndian(buffer[9..]));
    }

    /// <summary>Writes the record durably (temp file, fsync, rename, directory fsync).</summary>
    public void Save(IStorageFileSystem fs, string directory)
    {
        ArgumentNullException.ThrowIfNull(fs);
        Span<byte> buffer = stackalloc byte[SizeBytes];
        buffer[0] = FormatVersion;
        BinaryPrimitives.WriteInt64BigEndian(buffer[1..], LogPosition);
        BinaryPrimitives.WriteInt64BigEndian(buffer[9..], GenerationFloor);
        BinaryPrimitives.WriteUInt32BigEndian(buffer[17..], XxHash32.HashToUInt32(buffer[..17]));
        AtomicFile.Write(fs, Path.Combine(directory, FileName), buffer);
    }
}
