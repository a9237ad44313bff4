using System.Buffers.Binary;
using System.IO.Hashing;
using RingStore.Storage.IO;

namespace RingStore.Storage.SSTables;

/// <summary>
/// Small components (Summary, Filter, Statistics) are read whole at open: header + body + CRC32 of
/// header and body. They are written to a temp path and fsynced; the caller renames.
/// </summary>
internal static class WholeFileCodec
{
    public static void Write(IStorageFileSystem fs, string path, uint magic, uint parameter, ReadOnlySpan<byte> body)
    {
        var bytes = new byte[FileHeader.SizeBytes + body.Length + 4];
        FileHeader.Write(bytes, magic, parameter);
        body.CopyTo(bytes.AsSpan(FileHeader.SizeBytes));
        uint crc = Crc32.HashToUInt32(bytes.AsSpan(0, bytes.Length - 4));
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(bytes.Length - 4), crc);
        AtomicFile.WriteAndSync(fs, path, bytes);
    }

    /// <summary>Returns the body after validating header and checksum.</summary>
    public static byte[] Read(IStorageFileSystem fs, string path, uint magic, out uint parameter)
    {
        byte[] bytes;
        using (var file = fs.OpenRead(path))
        {
            if (file.Length < FileHeader.SizeBytes + 4 || file.Length > int.MaxValue)
                throw new CorruptSSTableException(path, 0, $"implausible length {file.Length}");
            bytes = new byte[file.Length];
            try { file.ReadExactlyAt(0, bytes); }
            catch (EndOfStreamException e) { throw new CorruptSSTableException(path, 0, "file shrank while reading", e); }
        }
        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(bytes.Length - 4));
        uint actual = Crc32.HashToUInt32(bytes.AsSpan(0, bytes.Length - 4));
        if (stored != actual)
            throw new CorruptSSTableException(path, 0, $"checksum mismatch (stored 0x{stored:X8}, computed 0x{actual:X8})");
        parameter = FileHeader.Read(bytes, magic, path);
        return bytes[FileHeader.SizeBytes..^4];
    }
}
