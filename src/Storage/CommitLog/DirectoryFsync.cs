using System.Runtime.InteropServices;

namespace RingStore.Storage.CommitLog;

/// <summary>
/// fsync of a directory, so a rename or a new file's directory entry survives power loss. .NET cannot open a
/// directory as a file, so on Unix this goes to libc directly.
/// </summary>
internal static partial class DirectoryFsync
{
    private const int ReadOnlyFlag = 0; // O_RDONLY

    public static void Flush(string directory)
    {
        if (OperatingSystem.IsWindows())
            return; // NTFS journals the rename with the file; directories cannot be flushed through this API there.
        int fd = Open(directory, ReadOnlyFlag);
        if (fd < 0)
            throw new IOException($"open({directory}) for fsync failed: errno {Marshal.GetLastPInvokeError()}");
        try
        {
            if (Fsync(fd) != 0)
                throw new IOException($"fsync({directory}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
