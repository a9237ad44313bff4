namespace RingStore.Storage.IO;

/// <summary>Free and total space of the file system holding a path (the longest mount point that is a prefix of it).</summary>
public static class DiskSpace
{
    public static (long Total, long Available)? Of(string path)
    {
        string full = Path.GetFullPath(path);
        try
        {
            var drive = DriveInfo.GetDrives()
                .Where(d => d.IsReady && full.StartsWith(d.RootDirectory.FullName, StringComparison.Ordinal))
                .OrderByDescending(d => d.RootDirectory.FullName.Length)
                .FirstOrDefault();
            return drive is null ? null : (drive.TotalSize, drive.AvailableFreeSpace);
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
