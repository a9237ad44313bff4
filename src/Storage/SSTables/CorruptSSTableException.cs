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

    /// <summary>File offset of the bad block or structure.</summary>
    public long Offset { get; }
}
