using System.ComponentModel;
using System.Runtime.InteropServices;

namespace RingStore.Storage.IO;

/// <summary>
/// fsync of a directory. .NET cannot open a directory as a file handle, so on Unix this calls
/// open/fsync/close from libc. Windows has no equivalent (NTFS journals metadata), so it is a no-op there.
/// </summary>
public static partial class NativeDirectorySync
{
    private const int ReadOnly = 0;

    public static void Sync(string directory)
    {
        if (OperatingSystem.IsWindows()) return;
        int fd = Open(directory, ReadOnly);
        if (fd < 0) throw new IOException($"open({directory}) for fsync failed", new Win32Exception(Marshal.GetLastPInvokeError()));
        try
        {
            if (Fsync(fd) != 0)
                throw new IOException($"fsync({directory}) failed", new Win32Exception(Marshal.GetLastPInvokeError()));
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
