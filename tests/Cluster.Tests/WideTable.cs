using Google.Protobuf;
using RingStore.Client.Protos;

namespace RingStore.Cluster.Tests;

/// <summary>
/// A table with a composite partition key and typed columns, for bad-input tests:
/// <c>wide ((a text, b bigint), c int, n bigint, v text, payload blob)</c>.
/// </summary>
public static class WideTable
{
    public const string Name = "wide";

    public static CreateTableRequest Create(string keyspace) => new()
    {
        Keyspace = keyspace,
        Name = Name,
        PartitionKey = { new ColumnDef { Name = "a", Type = ColumnType.Text }, new ColumnDef { Name = "b", Type = ColumnType.Bigint } },
        Clustering = { new ColumnDef { Name = "c", Type = ColumnType.Int } },
        Columns =
        {
            new ColumnDef { Name = "n", Type = ColumnType.Bigint },
            new ColumnDef { Name = "v", Type = ColumnType.Text },
            new ColumnDef { Name = "payload", Type = ColumnType.Blob },
        },
    };

    public static Value[] Key(string a, long b) => [new Value { Text = a }, new Value { Bigint = b }];

    /// <summary>A mutation writing one row (c = 1) of partition (a, b) with the given cells.</summary>
    public static Mutation Row(string keyspace, IEnumerable<Value> partitionKey, IReadOnlyDictionary<string, Value> cells)
    {
        var row = new RowWrite { Clustering = { new Value { Int = 1 } } };
        foreach (var (name, value) in cells) row.Cells[name] = value;
        return new Mutation { Keyspace = keyspace, Table = Name, PartitionKey = { partitionKey }, Rows = { row } };
    }

    public static Mutation ValidRow(string keyspace, string a, long b) =>
        Row(keyspace, Key(a, b), new Dictionary<string, Value> { ["n"] = new() { Bigint = 7 }, ["v"] = new() { Text = "ok" } });

    public static Value Blob(int bytes) => new() { Blob = ByteString.CopyFrom(new byte[bytes]) };

    public static ReadRequest Read(string keyspace, string a, long b, Consistency consistency) => new()
    {
        Keyspace = keyspace,
        Table = Name,
        PartitionKey = { Key(a, b) },
        Consistency = consistency,
    };
}
