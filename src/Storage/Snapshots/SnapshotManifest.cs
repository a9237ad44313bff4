using System.Text.Json;
using System.Text.Json.Serialization;
using RingStore.Core.Schema;
using RingStore.Storage.IO;

namespace RingStore.Storage.Snapshots;

/// <summary>
/// <c>manifest.json</c> of one table's snapshot: which table (name, id, columns in storage order: cells refer to
/// regular columns by position, so a restore or load checks the target table has the same columns), when, and every
/// SSTable with its files and their sizes. Written last, so a snapshot folder without it is incomplete (a crash
/// while snapshotting). The SSTables' own block checksums cover the bytes; the sizes catch a truncated copy early.
/// </summary>
public sealed record SnapshotManifest
{
    public const string FileName = "manifest.json";
    public const string SchemaFileName = "schema.cql";
    public const int CurrentFormat = 1;

    public int Format { get; init; } = CurrentFormat;
    public required string Tag { get; init; }
    public required string Keyspace { get; init; }
    public required string Table { get; init; }
    public required Guid TableId { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required SnapshotColumns Columns { get; init; }
    public required IReadOnlyList<SnapshotSSTable> SSTables { get; init; }

    [JsonIgnore] public string FullName => $"{Keyspace}.{Table}";
    [JsonIgnore] public long Bytes => SSTables.Sum(s => s.Files.Sum(f => f.Bytes));
    [JsonIgnore] public int FileCount => SSTables.Sum(s => s.Files.Count);

    internal static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
    };

    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    /// <summary>Parses a manifest; <see cref="InvalidDataException"/> names the file when it is not one.</summary>
    public static SnapshotManifest Parse(ReadOnlySpan<byte> json, string path)
    {
        SnapshotManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<SnapshotManifest>(json, Json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path} is not a snapshot manifest: {e.Message}", e);
        }
        if (manifest is null) throw new InvalidDataException($"{path} is empty");
        if (manifest.Format != CurrentFormat) throw new InvalidDataException($"{path} has manifest format {manifest.Format}; this build reads {CurrentFormat}");
        return manifest;
    }

    public static SnapshotManifest Load(IStorageFileSystem fs, string snapshotDirectory)
    {
        ArgumentNullException.ThrowIfNull(fs);
        string path = Path.Combine(snapshotDirectory, FileName);
        using var file = fs.OpenRead(path);
        var bytes = new byte[file.Length];
        file.ReadExactlyAt(0, bytes);
        return Parse(bytes, path);
    }
}

/// <summary>One SSTable of a snapshot: its generation in the table it was taken from, and its files.</summary>
public sealed record SnapshotSSTable(long Generation, long Partitions, IReadOnlyList<SnapshotFile> Files);

/// <summary>A file of a snapshot (a hard link of a live SSTable component) and its size in bytes.</summary>
public sealed record SnapshotFile(string Name, long Bytes);

/// <summary>A column as the manifest records it (clustering columns with their order).</summary>
public sealed record SnapshotColumn(string Name, ColumnType Type, ClusteringOrder Order = ClusteringOrder.Asc);

/// <summary>The table's columns in storage order.</summary>
public sealed record SnapshotColumns(IReadOnlyList<SnapshotColumn> PartitionKey, IReadOnlyList<SnapshotColumn> Clustering, IReadOnlyList<SnapshotColumn> Regular)
{
    public static SnapshotColumns Of(TableSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        return new(
            [.. schema.PartitionKey.Select(c => new SnapshotColumn(c.Name, c.Type))],
            [.. schema.Clustering.Select(c => new SnapshotColumn(c.Name, c.Type, c.Order))],
            [.. schema.Regular.Select(c => new SnapshotColumn(c.Name, c.Type))]);
    }

    /// <summary>
    /// Null when <paramref name="schema"/> stores data as these columns do (same key columns, types and clustering
    /// order; the same regular columns in the same positions, more may follow); else why not.
    /// </summary>
    public string? Incompatibility(TableSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var target = Of(schema);
        if (!PartitionKey.SequenceEqual(target.PartitionKey)) return $"partition key ({Describe(PartitionKey)}) differs from {schema.FullName}'s ({Describe(target.PartitionKey)})";
        if (!Clustering.SequenceEqual(target.Clustering)) return $"clustering columns ({Describe(Clustering)}) differ from {schema.FullName}'s ({Describe(target.Clustering)})";
        if (Regular.Count > target.Regular.Count || !Regular.SequenceEqual(target.Regular.Take(Regular.Count)))
            return $"regular columns ({Describe(Regular)}) are not the first columns of {schema.FullName}'s ({Describe(target.Regular)})";
        return null;
    }

    /// <summary>The columns as JSON (the loader sends them with its data so the node can check the target table).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, SnapshotManifest.Json);

    /// <summary>Parses <see cref="ToJson"/>'s output; <see cref="ArgumentException"/> when it is not that.</summary>
    public static SnapshotColumns FromJson(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<SnapshotColumns>(json, SnapshotManifest.Json) ?? throw new ArgumentException("empty column description", nameof(json));
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"not a column description: {e.Message}", nameof(json), e);
        }
    }

    private static string Describe(IEnumerable<SnapshotColumn> columns) =>
        string.Join(", ", columns.Select(c => $"{c.Name} {c.Type.ToString().ToLowerInvariant()}{(c.Order == ClusteringOrder.Desc ? " desc" : "")}"));
}
