using System.Text;
using RingStore.Core.Data;
using RingStore.Core.Serialization;
using RingStore.Storage.IO;
using RingStore.Storage.SSTables;

namespace RingStore.Storage.Snapshots;

/// <summary>
/// Reads a snapshot folder outside any engine (the loader, Cassandra's sstableloader): its manifest, its schema.cql
/// and every partition of its SSTables, exactly as stored (cell timestamps, TTLs and expiry times, tombstones with
/// their deletion times, range tombstones, partition deletions). Each SSTable is read in its own token order; SSTables
/// of one snapshot may overlap, which the receiving replicas' merge makes harmless. Reads check every block's
/// checksum, so a damaged snapshot fails with <see cref="CorruptSSTableException"/> rather than sending bad data.
/// </summary>
public sealed class SnapshotReader
{
    private readonly IStorageFileSystem _fs;

    private SnapshotReader(IStorageFileSystem fs, string directory, SnapshotManifest manifest, string? schemaCql)
    {
        _fs = fs;
        Directory = directory;
        Manifest = manifest;
        SchemaCql = schemaCql;
    }

    public string Directory { get; }
    public SnapshotManifest Manifest { get; }

    /// <summary>The snapshot's CREATE TABLE statement, or null when the file is missing.</summary>
    public string? SchemaCql { get; }

    /// <summary>Opens a snapshot folder (one holding <c>manifest.json</c>) and checks every file it lists is there with its size.</summary>
    public static SnapshotReader Open(string directory, IStorageFileSystem? fs = null)
    {
        fs ??= PhysicalFileSystem.Instance;
        if (!fs.Exists(Path.Combine(directory, SnapshotManifest.FileName)))
            throw new FileNotFoundException($"{directory} is not a snapshot folder (no {SnapshotManifest.FileName}).", Path.Combine(directory, SnapshotManifest.FileName));
        var manifest = SnapshotManifest.Load(fs, directory);
        SnapshotFiles.CheckComplete(fs, directory, manifest);
        string schemaPath = Path.Combine(directory, SnapshotManifest.SchemaFileName);
        string? schema = null;
        if (fs.Exists(schemaPath))
        {
            using var file = fs.OpenRead(schemaPath);
            var bytes = new byte[file.Length];
            file.ReadExactlyAt(0, bytes);
            schema = Encoding.UTF8.GetString(bytes);
        }
        return new SnapshotReader(fs, directory, manifest, schema);
    }

    /// <summary>
    /// Every partition as updates of table <paramref name="table"/> ("ks.table"), SSTable by SSTable. A partition whose
    /// rows encode to more than <paramref name="maxBytesPerUpdate"/> is cut into several updates of consecutive rows
    /// (the first carries the partition deletion and range tombstones), so a wide partition never needs one huge
    /// mutation; applying all of them gives the partition as stored.
    /// </summary>
    public IEnumerable<PartitionUpdate> ReadUpdates(string table, int maxBytesPerUpdate)
    {
        ArgumentException.ThrowIfNullOrEmpty(table);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytesPerUpdate, 1024);
        var scratch = new BinaryWriterBuffer(1024);
        foreach (var sst in Manifest.SSTables)
        {
            using var reader = SSTableReader.Open(_fs, Directory, sst.Generation);
            foreach (var partition in reader.ScanAll())
            {
                var rows = new List<Row>();
                long bytes = 0;
                bool first = true;
                foreach (var row in partition.Rows)
                {
                    scratch.Clear();
                    DataSerializer.WriteRow(scratch, row);
                    if (rows.Count > 0 && bytes + scratch.Length > maxBytesPerUpdate)
                    {
                        yield return Update(table, partition, rows, first);
                        first = false;
                        rows = [];
                        bytes = 0;
                    }
                    rows.Add(row);
                    bytes += scratch.Length;
                }
                if (first || rows.Count > 0) yield return Update(table, partition, rows, first);
            }
        }
    }

    private static PartitionUpdate Update(string table, SSTablePartition p, List<Row> rows, bool first) =>
        new(table, p.Key, first ? p.PartitionDeletion : DeletionTime.Live, first ? p.RangeTombstones : [], rows);
}
