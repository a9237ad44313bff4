using RingStore.Core.Errors;
using RingStore.Core.Schema;

namespace RingStore.Node.Schema;

/// <summary>Checks a table definition before it enters the schema; every failure says what to fix.</summary>
internal static class TableValidator
{
    /// <summary>Cassandra's cap: 20 years, so an expiry time still fits the 32-bit local deletion time.</summary>
    public const int MaxTimeToLiveSeconds = 630_720_000;

    public static void Validate(TableSchema table)
    {
        ArgumentNullException.ThrowIfNull(table);
        SchemaNames.ValidateKeyspace(table.Keyspace);
        SchemaNames.Validate(table.Name, "Table");
        string full = table.FullName;
        if (table.PartitionKey.Count == 0)
        {
            throw new InvalidRequestException($"Table {full} needs at least one partition key column.");
        }

        foreach (var name in table.PartitionKey.Select(c => c.Name).Concat(table.Clustering.Select(c => c.Name)).Concat(table.Regular.Select(c => c.Name)))
        {
            if (string.IsNullOrWhiteSpace(name))
            {
                throw new InvalidRequestException($"Table {full} has a column with an empty name.");
            }
        }

        foreach (var type in table.PartitionKey.Select(c => c.Type).Concat(table.Clustering.Select(c => c.Type)).Concat(table.Regular.Select(c => c.Type)))
        {
            if (!Enum.IsDefined(type))
            {
                throw new InvalidRequestException($"Table {full} has a column of unknown type {(byte)type}.");
            }
        }

        ValidateOptions(full, table.Options);
        ValidateIndexes(table);
    }

    /// <summary>Index names as table names (they name directories too), unique in the table; each on a regular column.</summary>
    private static void ValidateIndexes(TableSchema table)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var index in table.Options.Indexes)
        {
            SchemaNames.Validate(index.Name, "Index");
            if (!names.Add(index.Name))
                throw new InvalidRequestException($"Table {table.FullName} has two indexes named {index.Name}.");
            if (table.RegularColumnIndex(index.Column) < 0)
                throw new InvalidRequestException(table.PartitionKey.Select(c => c.Name).Concat(table.Clustering.Select(c => c.Name)).Contains(index.Column, StringComparer.Ordinal)
                    ? $"Cannot create secondary index on primary key column {index.Column}: only regular columns can be indexed"
                    : $"Column {index.Column} does not exist in table {table.FullName}");
        }
    }

    private static void ValidateOptions(string full, TableOptions o)
    {
        if (!Enum.IsDefined(o.Compaction))
        {
            throw new InvalidRequestException($"Table {full}: unknown compaction strategy {(byte)o.Compaction}.");
        }

        if (o.CompactionWindow <= TimeSpan.Zero)
        {
            throw new InvalidRequestException($"Table {full}: compaction_window_size must be positive, got {o.CompactionWindow}.");
        }

        if (o.CompactionMinThreshold < 2)
        {
            throw new InvalidRequestException($"Table {full}: compaction min_threshold must be at least 2, got {o.CompactionMinThreshold}.");
        }

        if (o.CompactionMaxThreshold < o.CompactionMinThreshold)
        {
            throw new InvalidRequestException(
                $"Table {full}: compaction max_threshold ({o.CompactionMaxThreshold}) must not be below min_threshold ({o.CompactionMinThreshold}).");
        }

        if (o.DefaultTimeToLiveSeconds is < 0 or > MaxTimeToLiveSeconds)
        {
            throw new InvalidRequestException(
                $"Table {full}: default_time_to_live must be between 0 and {MaxTimeToLiveSeconds} seconds (20 years), got {o.DefaultTimeToLiveSeconds}.");
        }

        if (o.GcGraceSeconds < 0)
        {
            throw new InvalidRequestException($"Table {full}: gc_grace_seconds must not be negative, got {o.GcGraceSeconds}.");
        }

        if (!(o.BloomFilterFpChance > 0 && o.BloomFilterFpChance <= 1))
        {
            throw new InvalidRequestException($"Table {full}: bloom_filter_fp_chance must be in (0, 1], got {o.BloomFilterFpChance}.");
        }

        if (o.Compression is null || o.Compression.Problem() is { } compression)
        {
            throw new InvalidRequestException($"Table {full}: invalid compression: {(o.Compression is null ? "missing" : o.Compression.Problem())}.");
        }
    }
}
