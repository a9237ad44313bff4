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
}
