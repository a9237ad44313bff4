using System.Diagnostics.CodeAnalysis;
using RingStore.Core.Errors;
using RingStore.Core.Schema;

namespace RingStore.Node.Schema;

/// <summary>
/// Converts schema entries to and from their wire shapes. Reading validates everything (enum values, names,
/// replication factors, column lists): the bytes come from disk or from a peer and may be damaged or newer.
/// </summary>
internal static class SchemaWireMapping
{
    public static KeyspaceEntryWire ToWire(KeyspaceEntry entry)
    {
        KeyspaceWire? definition = entry.Definition is { } d
            ? new KeyspaceWire((byte)d.Strategy, d.ReplicationFactor, [.. d.DatacenterReplicationFactors.Select(p => new DatacenterFactorWire(p.Key, p.Value))])
            : null;
        return new KeyspaceEntryWire(entry.Name, entry.TimestampMicros, entry.LastDroppedMicros, definition);
    }

    public static TableEntryWire ToWire(TableEntry entry)
    {
        TableWire? table = entry.Table is { } t ? ToWire(t) : null;
        return new TableEntryWire(entry.Keyspace, entry.Name, entry.TimestampMicros, table);
    }

    public static KeyspaceEntry FromWire(KeyspaceEntryWire wire)
    {
        Require(wire is not null && wire.Name is not null, "keyspace entry without a name");
        KeyspaceDefinition? definition = null;
        if (wire.Definition is { } d)
        {
            definition = (ReplicationStrategyKind)d.Strategy switch
            {
                ReplicationStrategyKind.Simple => Validated(() => KeyspaceDefinition.Simple(wire.Name, d.ReplicationFactor)),
                ReplicationStrategyKind.NetworkTopology => Validated(() => KeyspaceDefinition.NetworkTopology(
                    wire.Name,
                    (d.Datacenters ?? []).ToDictionary(x => x.Datacenter, x => x.ReplicationFactor, StringComparer.Ordinal))),
                _ => throw new InvalidDataException($"Keyspace '{wire.Name}' has unknown replication strategy {d.Strategy}."),
            };
        }

        return new KeyspaceEntry(wire.Name, definition, wire.TimestampMicros, wire.LastDroppedMicros);
    }

    public static TableEntry FromWire(TableEntryWire wire)
    {
        Require(wire is not null && wire.Keyspace is not null && wire.Name is not null, "table entry without a name");
        TableSchema? table = wire.Table is { } t ? FromWire(wire.Keyspace, wire.Name, t) : null;
        return new TableEntry(wire.Keyspace, wire.Name, table, wire.TimestampMicros);
    }

    private static TableWire ToWire(TableSchema t)
    {
        var o = t.Options;
        return new TableWire(
            t.Id.ToByteArray(),
            [.. t.PartitionKey.Select(c => new ColumnWire(c.Name, (byte)c.Type))],
            [.. t.Clustering.Select(c => new ClusteringColumnWire(c.Name, (byte)c.Type, (byte)c.Order))],
            [.. t.Regular.Select(c => new ColumnWire(c.Name, (byte)c.Type))],
            new TableOptionsWire((byte)o.Compaction, o.CompactionWindow.Ticks, o.CompactionMinThreshold, o.CompactionMaxThreshold,
                o.DefaultTimeToLiveSeconds, o.GcGraceSeconds, o.BloomFilterFpChance,
                (byte)o.Compression.Algorithm, o.Compression.ChunkLengthKb, o.Compression.ZstdLevel,
                o.Indexes.Count == 0 ? null : [.. o.Indexes.Select(i => new IndexWire(i.Name, i.Column, i.Id.ToByteArray()))]));
    }

    private static TableSchema FromWire(string keyspace, string name, TableWire t)
    {
        string full = $"{keyspace}.{name}";
        Require(t.Id is { Length: 16 }, $"table {full} has no 16-byte id");
        Require(t.PartitionKey is not null && t.Clustering is not null && t.Regular is not null && t.Options is not null, $"table {full} is missing column lists or options");
        var o = t.Options!;
        Require(Enum.IsDefined((CompactionStrategyKind)o.Compaction), $"table {full} has unknown compaction strategy {o.Compaction}");
        var options = new TableOptions
        {
            Compaction = (CompactionStrategyKind)o.Compaction,
            CompactionWindow = TimeSpan.FromTicks(o.CompactionWindowTicks),
            CompactionMinThreshold = o.CompactionMinThreshold,
            CompactionMaxThreshold = o.CompactionMaxThreshold,
            DefaultTimeToLiveSeconds = o.DefaultTimeToLiveSeconds,
            GcGraceSeconds = o.GcGraceSeconds,
            BloomFilterFpChance = o.BloomFilterFpChance,
            // 0s: a schema from before compressed SSTables, which means the defaults.
            Compression = new CompressionOptions
            {
                Algorithm = (CompressionAlgorithm)o.CompressionAlgorithm,
                ChunkLengthKb = o.CompressionChunkLengthKb == 0 ? CompressionOptions.DefaultChunkLengthKb : o.CompressionChunkLengthKb,
                ZstdLevel = o.CompressionZstdLevel == 0 ? CompressionOptions.DefaultZstdLevel : o.CompressionZstdLevel,
            },
            Indexes = [.. (o.Indexes ?? []).Select(i =>
            {
                Require(i is not null && i.Name is not null && i.Column is not null && i.Id is { Length: 16 }, $"table {full} has an index without a name, column or 16-byte id");
                return new IndexDefinition(i!.Name, i.Column, new Guid(i.Id));
            })],
        };
        var table = Validated(() => new TableSchema(
            keyspace,
            name,
            [.. t.PartitionKey!.Select(c => new ColumnDefinition(c.Name, ColumnTypeOf(c.Type, full)))],
            [.. t.Clustering!.Select(c => new ClusteringColumn(c.Name, ColumnTypeOf(c.Type, full), OrderOf(c.Order, full)))],
            [.. t.Regular!.Select(c => new ColumnDefinition(c.Name, ColumnTypeOf(c.Type, full)))],
            options,
            new Guid(t.Id)));
        Validated(() => TableValidator.Validate(table));
        return table;
    }

    private static ColumnType ColumnTypeOf(byte value, string table)
    {
        Require(Enum.IsDefined((ColumnType)value), $"table {table} has a column of unknown type {value}");
        return (ColumnType)value;
    }

    private static ClusteringOrder OrderOf(byte value, string table)
    {
        Require(Enum.IsDefined((ClusteringOrder)value), $"table {table} has a clustering column of unknown order {value}");
        return (ClusteringOrder)value;
    }

    private static void Require([DoesNotReturnIf(false)] bool condition, string what)
    {
        if (!condition)
        {
            throw new InvalidDataException($"Invalid schema data: {what}.");
        }
    }

    // Definitions that pass validation when created must still pass when read back; one that does not was damaged.
    private static T Validated<T>(Func<T> build)
    {
        try
        {
            return build();
        }
        catch (Exception e) when (e is InvalidRequestException or ArgumentException)
        {
            throw new InvalidDataException($"Invalid schema data: {e.Message}", e);
        }
    }

    private static void Validated(Action check) => Validated(() => { check(); return 0; });
}
