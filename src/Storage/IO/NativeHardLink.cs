using System.ComponentModel;
using System.Runtime.InteropServices;

namespace RingStore.Storage.IO;

/// <summary>
/// link(2): a second name for an existing file. .NET has File.CreateSymbolicLink but no hard link, and a snapshot must
/// be a hard link (a symbolic link dies with the live SSTable compaction deletes). Windows (CreateHardLinkW) is not
/// supported: the node runs on Linux.
/// </summary>
public static partial class NativeHardLink
{
    public static void Create(string existingPath, string linkPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(existingPath);
        ArgumentException.ThrowIfNullOrEmpty(linkPath);
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("hard links (snapshots) need a Unix file system");
        if (Link(existingPath, linkPath) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            var cause = new Win32Exception(errno);
            if (errno == ENOENT) throw new FileNotFoundException($"link({existingPath}, {linkPath}) failed: {cause.Message}", existingPath, cause);
            throw new IOException($"link({existingPath}, {linkPath}) failed: {cause.Message}", cause);
        }
    }

    private const int ENOENT = 2;

    [LibraryImport("libc", EntryPoint = "link", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Link(string oldPath, string newPath);
}
