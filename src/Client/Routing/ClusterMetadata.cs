using RingStore.Client.Protos;
using RingStore.Core.Partitioning;
using RingStore.Core.Values;
using CoreColumn = RingStore.Core.Schema.ColumnDefinition;

namespace RingStore.Client.Routing;

/// <summary>
/// What the client knows about the cluster at one moment: the nodes and their tokens (DescribeRing) and the
/// schema (DescribeSchema). Immutable; the client swaps in a new one when the ring or schema changes.
/// </summary>
public sealed class ClusterMetadata
{
    private readonly Dictionary<string, Replication> _replication;
    private readonly Dictionary<(string, string), CoreColumn[]> _partitionKeys;

    public ClusterMetadata(DescribeRingResponse ring, DescribeSchemaResponse schema)
    {
        ArgumentNullException.ThrowIfNull(ring);
        ArgumentNullException.ThrowIfNull(schema);
        Ring = ring;
        Schema = schema;
        Tokens = new TokenMap(ring.Nodes);
        _replication = schema.Keyspaces.ToDictionary(k => k.Name, k => k.Replication, StringComparer.Ordinal);
        _partitionKeys = schema.Tables.ToDictionary(t => (t.Keyspace, t.Name),
            t => t.PartitionKey.Select(c => new CoreColumn(c.Name, (Core.Schema.ColumnType)c.Type)).ToArray());
    }

    public DescribeRingResponse Ring { get; }

    public DescribeSchemaResponse Schema { get; }

    public TokenMap Tokens { get; }

    public TableInfo? FindTable(string keyspace, string table) =>
        Schema.Tables.FirstOrDefault(t => t.Keyspace == keyspace && t.Name == table);

    /// <summary>The token of a partition of a known table, from its key values; null when the table is unknown.</summary>
    public Token? TokenOf(string keyspace, string table, IReadOnlyList<Value> partitionKey)
    {
        if (!_partitionKeys.TryGetValue((keyspace, table), out var columns) || columns.Length != partitionKey.Count) return null;
        var values = new object?[columns.Length];
        for (int i = 0; i < columns.Length; i++)
            values[i] = Values.ProtoValues.ToCoreKeyValue(partitionKey[i], (ColumnType)columns[i].Type);
        try
        {
            return Murmur3Partitioner.GetToken(PartitionKeyCodec.Serialize(columns, values));
        }
        catch (Core.Errors.InvalidRequestException)
        {
            return null; // a wrong-typed key: let the node answer with the proper error
        }
    }

    /// <summary>gRPC addresses of the replicas of a token in a keyspace (may be empty).</summary>
    public IReadOnlyList<string> ReplicaAddresses(string keyspace, Token token) =>
        Tokens.ReplicasFor(token, _replication.GetValueOrDefault(keyspace)).Select(n => n.RpcAddress).Where(a => a.Length > 0).ToList();
}
