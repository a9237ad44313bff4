using System.Diagnostics;

namespace RingStore.Cluster.Tests;

/// <summary>
/// A small ext4 file system on a loop device the test attaches itself (so it knows the device name for
/// /sys/fs/ext4/&lt;loopN&gt;), mounted on a unique directory under /tmp. Disposing unmounts it and detaches the loop
/// device whatever happened; the image and mount point are deleted. Never marks the device read-only at block level
/// (blockdev --setro outlives the test): read-only comes from ext4 itself (errors=remount-ro).
/// </summary>
public sealed class LoopFileSystem : IDisposable
{
    private LoopFileSystem(string root, string image, string device)
    {
        Root = root;
        Image = image;
        Device = device;
        MountPoint = Path.Combine(root, "mnt");
    }

    public string Root { get; }
    public string Image { get; }

    /// <summary>The loop device, e.g. /dev/loop3.</summary>
    public string Device { get; }

    public string MountPoint { get; }

    public bool Mounted { get; private set; }

    /// <summary>Creates, attaches and mounts the file system; null (with the reason) when the machine refuses (not root, no loop devices).</summary>
    public static LoopFileSystem? TryCreate(int sizeMiB, string mountOptions, out string why)
    {
        string root = Path.Combine(Path.GetTempPath(), "ringstore-loopfs-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(root);
        string image = Path.Combine(root, "fs.ext4");
        if (!Run("truncate", $"-s {sizeMiB}M {image}", out why) || !Run("mkfs.ext4", $"-q -F {image}", out why) ||
            !Run("losetup", $"-f --show {image}", out string device))
        {
            Directory.Delete(root, recursive: true);
            return null;
        }
        var fs = new LoopFileSystem(root, image, device.Trim());
        Directory.CreateDirectory(fs.MountPoint);
        if (!fs.TryMount(mountOptions, out why))
        {
            fs.Dispose();
            return null;
        }
        return fs;
    }

    public bool TryMount(string options, out string why)
    {
        Mounted = Run("mount", $"-o {options} {Device} {MountPoint}", out why);
        return Mounted;
    }

    /// <summary>
    /// Makes ext4 report an error on this file system (the kernel's /sys/fs/ext4/&lt;dev&gt;/trigger_fs_error); mounted
    /// with errors=remount-ro, it turns itself read-only at once while files stay open, as after a real media error.
    /// </summary>
    public void TriggerError() =>
        File.WriteAllText($"/sys/fs/ext4/{Path.GetFileName(Device)}/trigger_fs_error", "ringstore test: simulated media error\n");

    /// <summary>True once the mount is read-only (ext4's emergency remount shows as "ro" or "emergency_ro" in /proc/mounts).</summary>
    public bool IsReadOnly()
    {
        foreach (string line in File.ReadAllLines("/proc/mounts"))
        {
            var fields = line.Split(' ');
            if (fields.Length > 3 && fields[1] == MountPoint)
                return fields[3].Split(',').Any(o => o is "ro" or "emergency_ro");
        }
        return false;
    }

    public bool Unmount(out string why)
    {
        bool ok = Run("umount", MountPoint, out why);
        if (ok) Mounted = false;
        return ok;
    }

    /// <summary>e2fsck -fy: repairs what the error left (exit 0 clean, 1 corrected; more is a failure).</summary>
    public bool Check(out string report)
    {
        using var p = Process.Start(new ProcessStartInfo("e2fsck", $"-fy {Device}") { RedirectStandardOutput = true, RedirectStandardError = true })!;
        report = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        p.WaitForExit();
        return p.ExitCode is 0 or 1;
    }

    public void Dispose()
    {
        if (Mounted && !Run("umount", MountPoint, out _)) Run("umount", $"-l {MountPoint}", out _);
        Mounted = false;
        Run("losetup", $"-d {Device}", out _);
        try { Directory.Delete(Root, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    /// <summary>Runs a command line tool; false (with its output or the reason) when it fails or is not installed.</summary>
    public static bool Run(string file, string args, out string result)
    {
        try
        {
            using var p = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            result = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
            p.WaitForExit();
            return p.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            result = e.Message; // the tool is not installed
            return false;
        }
    }
}
