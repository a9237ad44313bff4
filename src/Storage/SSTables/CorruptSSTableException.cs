namespace RingStore.Storage.SSTables;

/// <summary>
/// An SSTable file failed validation (checksum mismatch, bad header, truncated or malformed content).
/// Names the file and the byte offset so an operator can find it; only the read that hit the bad
/// block fails, the reader stays usable for the rest of the file.
/// </summary>
public sealed class CorruptSSTableException : IOException
{
    public CorruptSSTableException(string file, long offset, string reason, Exception? inner = null)
        : base($"Corrupt SSTable file {file} at offset {offset}: {reason}", inner)
    {
        File = file;
        Offset = offset;
    }

    public string File { get; }

    /// <summary>
    /// Set when the file could not be read at all (EIO and the like, not a checksum mismatch): the SSTable is marked
    /// unreadable just the same, but the engine reports the I/O error to the node's disk failure policy as a disk failure.
    /// </summary>
    public IOException? ReadError { get; private init; }

    /// <summary>An I/O error reading <paramref name="file"/> at <paramref name="offset"/>, as the reason the SSTable is unreadable.</summary>
    public static CorruptSSTableException FromReadError(string file, long offset, IOException error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return new CorruptSSTableException(file, offset, $"I/O error reading the file: {error.Message}", error) { ReadError = error };
    }

    /// <summary>File offset of the bad block or structure.</summary>
    public long Offset { get; }
}
