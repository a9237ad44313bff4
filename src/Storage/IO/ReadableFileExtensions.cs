namespace RingStore.Storage.IO;

/// <summary>Helpers over <see cref="IReadableFile"/>.</summary>
public static class ReadableFileExtensions
{
    /// <summary>Fills <paramref name="buffer"/> from <paramref name="fileOffset"/> or throws <see cref="EndOfStreamException"/>.</summary>
    public static void ReadExactlyAt(this IReadableFile file, long fileOffset, Span<byte> buffer)
    {
        ArgumentNullException.ThrowIfNull(file);
        int done = 0;
        while (done < buffer.Length)
        {
            int n = file.ReadAt(fileOffset + done, buffer[done..]);
            if (n <= 0)
                throw new EndOfStreamException(
                    $"{file.Path}: wanted {buffer.Length} bytes at offset {fileOffset}, file ends after {done}.");
            done += n;
        }
    }

    /// <summary>The whole file (small files: metadata, ids, records).</summary>
    public static byte[] ReadAllBytes(this IStorageFileSystem fs, string path)
    {
        ArgumentNullException.ThrowIfNull(fs);
        using var file = fs.OpenRead(path);
        var bytes = new byte[checked((int)file.Length)];
        file.ReadExactlyAt(0, bytes);
        return bytes;
    }

    /// <summary>Whether <paramref name="directory"/> exists (listed by its parent).</summary>
    public static bool DirectoryExists(this IStorageFileSystem fs, string directory)
    {
        ArgumentNullException.ThrowIfNull(fs);
        string path = Path.TrimEndingDirectorySeparator(directory);
        string? parent = Path.GetDirectoryName(path);
        return parent is not null && fs.ListDirectories(parent).Contains(path, StringComparer.Ordinal);
    }
}
