using System.Buffers.Binary;
using System.IO.Hashing;
using RingStore.Storage.IO;

namespace RingStore.Node.Schema;

/// <summary>
/// Keeps the node's schema in <c>&lt;dataDir&gt;/system/schema.bin</c>. A save writes a temp file, fsyncs it,
/// renames it over the old file and fsyncs the directory, so after a crash the file holds either the old or the
/// new schema, whole. File: "RSSC" magic, the <see cref="SchemaCodec"/> bytes, then an XxHash64 of those bytes
/// (little-endian) so a flipped bit is reported instead of loading a different schema.
/// Not thread-safe: <see cref="SchemaManager"/> serialises saves.
/// </summary>
public sealed class SchemaStore
{
    public const string FileName = "schema.bin";

    private const int TrailerBytes = sizeof(ulong);
    private static readonly byte[] Magic = "RSSC"u8.ToArray();

    private readonly IStorageFileSystem _fileSystem;

    public SchemaStore(string dataDirectory, IStorageFileSystem? fileSystem = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        _fileSystem = fileSystem ?? PhysicalFileSystem.Instance;
        Directory = Path.Combine(dataDirectory, "system");
        FilePath = Path.Combine(Directory, FileName);
    }

    /// <summary>&lt;dataDir&gt;/system</summary>
    public string Directory { get; }

    /// <summary>&lt;dataDir&gt;/system/schema.bin</summary>
    public string FilePath { get; }

    private string TempPath => FilePath + AtomicFile.TempSuffix;

    /// <summary>
    /// The saved schema; <see cref="SchemaSnapshot.Empty"/> when there is no file yet (a new node).
    /// A damaged or unreadable file throws <see cref="InvalidDataException"/> naming the file: starting with an
    /// empty schema instead would let this node drop tables it must serve.
    /// </summary>
    public SchemaSnapshot Load()
    {
        // A temp file is what a crash in the middle of a save leaves; the real file is still the previous save.
        _fileSystem.Delete(TempPath);
        if (!_fileSystem.Exists(FilePath))
        {
            return SchemaSnapshot.Empty;
        }

        byte[] bytes;
        using (var file = _fileSystem.OpenRead(FilePath))
        {
            if (file.Length > int.MaxValue)
            {
                throw Corrupt($"it is {file.Length} bytes long");
            }

            bytes = new byte[file.Length];
            file.ReadExactlyAt(0, bytes);
        }

        if (bytes.Length < Magic.Length + TrailerBytes || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic))
        {
            throw Corrupt("it does not start with the schema file header");
        }

        var payload = bytes.AsMemory(Magic.Length, bytes.Length - Magic.Length - TrailerBytes);
        ulong expected = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(bytes.Length - TrailerBytes));
        if (XxHash64.HashToUInt64(payload.Span) != expected)
        {
            throw Corrupt("its checksum does not match (torn write or flipped bits)");
        }

        try
        {
            return SchemaCodec.Deserialize(payload);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"Schema file '{FilePath}' cannot be read: {e.Message}", e);
        }
    }

    /// <summary>Makes <paramref name="snapshot"/> the saved schema, durably, or throws and leaves the old file in place.</summary>
    public void Save(SchemaSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        byte[] payload = SchemaCodec.Serialize(snapshot);
        Span<byte> trailer = stackalloc byte[TrailerBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(trailer, XxHash64.HashToUInt64(payload));

        _fileSystem.CreateDirectory(Directory);
        AtomicFile.Write(_fileSystem, FilePath, [.. Magic, .. payload, .. trailer]);
    }

    private InvalidDataException Corrupt(string why) =>
        new($"Schema file '{FilePath}' is corrupt: {why}. Copy schema.bin from a node that agrees on the schema (the files are identical) or restore it from a backup; the node will not start with an unknown schema.");
}
