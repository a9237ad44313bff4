using System.Diagnostics;
using System.Globalization;
using RingStore.Core.Reads;
using RingStore.Storage.Engine;
using RingStore.Storage.Snapshots;
using static RingStore.Storage.Tests.Engine.EngineTestKit;

namespace RingStore.Storage.Tests.Snapshots;

internal static class SnapshotTestKit
{
    /// <summary>(partition id, clustering) of every live row of the table, read through the engine.</summary>
    public static HashSet<(long, long)> LiveRows(StorageEngine engine, IEnumerable<long> ids)
    {
        var rows = new HashSet<(long, long)>();
        foreach (long id in ids)
            foreach (var row in engine.Read(SliceQuery.WholePartition(Table, Pk(id))).Rows) rows.Add((id, CkValue(row)));
        return rows;
    }

    /// <summary>(partition id, clustering) of every row a snapshot folder holds, read from its files alone.</summary>
    public static HashSet<(long, long)> SnapshotRows(string directory)
    {
        var reader = SnapshotReader.Open(directory);
        var rows = new HashSet<(long, long)>();
        foreach (var update in reader.ReadUpdates(Table, 64 * 1024))
        {
            long id = (long)Core.Values.PartitionKeyCodec.Deserialize(TimeSeries().PartitionKey, update.PartitionKey)[0];
            foreach (var row in update.Rows) rows.Add((id, CkValue(row)));
        }
        return rows;
    }

    /// <summary>The inode number and link count of a file, from stat(1) (what `ls -i` shows).</summary>
    public static (long Inode, int Links) Stat(string path)
    {
        var start = new ProcessStartInfo("stat", ["-c", "%i %h", path]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"stat {path} failed: {process.StandardError.ReadToEnd()}");
        var parts = output.Split(' ');
        return (long.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture));
    }
}
