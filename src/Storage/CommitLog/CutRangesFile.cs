using System.Buffers.Binary;
using System.IO.Hashing;

namespace RingStore.Storage.CommitLog;

/// <summary>
/// Remembers torn tails that were cut off. FasterLog cannot move its tail backwards, so the damaged bytes stay in the
/// segment and new entries are appended after them; without this record the next open would see damage followed by
/// valid entries and mistake a tolerated torn tail for mid-log corruption.
/// File "commitlog.cut": magic "RCCT", version byte, int32 count, count x (int64 start, int64 end), XxHash32 of all
/// previous bytes. Replaced atomically (temp file, fsync, rename, directory fsync).
/// </summary>
internal static class CutRangesFile
{
    public const string FileName = "commitlog.cut";
    private const byte Version = 1;
    private static ReadOnlySpan<byte> Magic => "RCCT"u8;

    public static List<AddressRange> Load(IO.IStorageFileSystem fs, string directory)
    {
        string path = Path.Combine(directory, FileName);
        if (!fs.Exists(path))
            return [];
        byte[] bytes = IO.ReadableFileExtensions.ReadAllBytes(fs, path);
        if (bytes.Length < 13 || !bytes.AsSpan(0, 4).SequenceEqual(Magic) || bytes[4] != Version)
            throw new CommitLogCorruptionException(path, 0, "unreadable cut-ranges header");
        int count = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(5));
        int expectedLength = 9 + (count * 16) + 4;
        if (count < 0 || bytes.Length != expectedLength)
            throw new CommitLogCorruptionException(path, 5, "cut-ranges length mismatch");
        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(expectedLength - 4));
        if (stored != XxHash32.HashToUInt32(bytes.AsSpan(0, expectedLength - 4)))
            throw new CommitLogCorruptionException(path, expectedLength - 4, "cut-ranges checksum mismatch");
        var ranges = new List<AddressRange>(count);
        for (int i = 0; i < count; i++)
        {
            long start = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(9 + (i * 16)));
            long end = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(17 + (i * 16)));
            ranges.Add(new AddressRange(start, end));
        }
        return ranges;
    }

    public static void Save(IO.IStorageFileSystem fs, string directory, IReadOnlyList<AddressRange> ranges)
    {
        byte[] bytes = new byte[9 + (ranges.Count * 16) + 4];
        Magic.CopyTo(bytes);
        bytes[4] = Version;
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(5), ranges.Count);
        for (int i = 0; i < ranges.Count; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(9 + (i * 16)), ranges[i].Start);
            BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(17 + (i * 16)), ranges[i].End);
        }
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(bytes.Length - 4), XxHash32.HashToUInt32(bytes.AsSpan(0, bytes.Length - 4)));

        string path = Path.Combine(directory, FileName);
        // Temp file, fsync, rename, directory fsync; a failed write deletes the temp file.
        IO.AtomicFile.Write(fs, path, bytes);
    }
}
