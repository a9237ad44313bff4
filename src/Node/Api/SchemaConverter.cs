using RingStore.Client.Protos;
using RingStore.Core.Errors;
using RingStore.Core.Schema;
using RingStore.Node.Schema;
using CoreColumnType = RingStore.Core.Schema.ColumnType;
using CoreTableOptions = RingStore.Core.Schema.TableOptions;
using ProtoColumnType = RingStore.Client.Protos.ColumnType;
using ProtoTableOptions = RingStore.Client.Protos.TableOptions;

namespace RingStore.Node.Api;

/// <summary>gRPC schema messages to and from Core's <see cref="TableSchema"/> and <see cref="KeyspaceDefinition"/>.</summary>
public static class SchemaConverter
{
    public static KeyspaceDefinition ToKeyspace(string name, Replication? replication)
    {
        if (replication is null) throw new InvalidRequestException($"Keyspace '{name}' needs a replication setting.");
        string kind = replication.Class.Trim();
        if (kind.EndsWith("SimpleStrategy", StringComparison.OrdinalIgnoreCase))
            return KeyspaceDefinition.Simple(name, replication.ReplicationFactor);
        if (kind.EndsWith("NetworkTopologyStrategy", StringComparison.OrdinalIgnoreCase))
            return KeyspaceDefinition.NetworkTopology(name, replication.Datacenters.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal));
        throw new InvalidRequestException($"Unknown replication class '{replication.Class}': use SimpleStrategy or NetworkTopologyStrategy.");
    }

    public static Replication FromKeyspace(KeyspaceDefinition keyspace)
    {
        var replication = new Replication();
        if (keyspace.Strategy == ReplicationStrategyKind.Simple)
        {
            replication.Class = "SimpleStrategy";
            replication.ReplicationFactor = keyspace.ReplicationFactor;
        }
        else
        {
            replication.Class = "NetworkTopologyStrategy";
            foreach (var (dc, rf) in keyspace.DatacenterReplicationFactors) replication.Datacenters[dc] = rf;
        }
        return replication;
    }

    public static TableSchema ToTable(CreateTableRequest request)
    {
        var options = new CoreTableOptions();
        if (request.Options is { } o)
        {
            options = options with
            {
                Compaction = ParseCompaction(o.Compaction),
                CompactionWindow = o.CompactionWindowSeconds > 0 ? TimeSpan.FromSeconds(o.CompactionWindowSeconds) : options.CompactionWindow,
                DefaultTimeToLiveSeconds = o.DefaultTimeToLive >= 0 ? o.DefaultTimeToLive : throw new InvalidRequestException("default_time_to_live must not be negative."),
                GcGraceSeconds = o.HasGcGraceSeconds ? (o.GcGraceSeconds >= 0 ? o.GcGraceSeconds : throw new InvalidRequestException("gc_grace_seconds must not be negative.")) : options.GcGraceSeconds,
            };
        }
        try
        {
            return new TableSchema(request.Keyspace, request.Name,
                request.PartitionKey.Select(c => new ColumnDefinition(c.Name, Type(c))).ToList(),
                request.Clustering.Select(c => new ClusteringColumn(c.Name, Type(c), c.Descending ? ClusteringOrder.Desc : ClusteringOrder.Asc)).ToList(),
                request.Columns.Select(c => new ColumnDefinition(c.Name, Type(c))).ToList(),
                options);
        }
        catch (ArgumentException e)
        {
            throw new InvalidRequestException(e.Message, e);
        }
    }

    public static TableInfo FromTable(TableSchema table)
    {
        var info = new TableInfo { Keyspace = table.Keyspace, Name = table.Name, Options = FromOptions(table.Options) };
        info.PartitionKey.AddRange(table.PartitionKey.Select(c => new ColumnDef { Name = c.Name, Type = (ProtoColumnType)c.Type }));
        info.Clustering.AddRange(table.Clustering.Select(c => new ColumnDef { Name = c.Name, Type = (ProtoColumnType)c.Type, Descending = c.Order == ClusteringOrder.Desc }));
        info.Columns.AddRange(table.Regular.Select(c => new ColumnDef { Name = c.Name, Type = (ProtoColumnType)c.Type }));
        return info;
    }

    private static ProtoTableOptions FromOptions(CoreTableOptions options) => new()
    {
        Compaction = options.Compaction == CompactionStrategyKind.TimeWindow ? "TimeWindowCompactionStrategy" : "SizeTieredCompactionStrategy",
        CompactionWindowSeconds = (long)options.CompactionWindow.TotalSeconds,
        DefaultTimeToLive = options.DefaultTimeToLiveSeconds,
        GcGraceSeconds = options.GcGraceSeconds,
    };

    private static CompactionStrategyKind ParseCompaction(string? name) => name?.Trim() switch
    {
        null or "" => CompactionStrategyKind.SizeTiered,
        var n when n.Contains("SizeTiered", StringComparison.OrdinalIgnoreCase) => CompactionStrategyKind.SizeTiered,
        var n when n.Contains("TimeWindow", StringComparison.OrdinalIgnoreCase) => CompactionStrategyKind.TimeWindow,
        var n => throw new InvalidRequestException($"Unknown compaction strategy '{n}': use SizeTieredCompactionStrategy or TimeWindowCompactionStrategy."),
    };

    private static CoreColumnType Type(ColumnDef column) =>
        column.Type is ProtoColumnType.Unspecified || !Enum.IsDefined((CoreColumnType)column.Type)
            ? throw new InvalidRequestException($"Column '{column.Name}' has no valid type.")
            : (CoreColumnType)column.Type;
}
