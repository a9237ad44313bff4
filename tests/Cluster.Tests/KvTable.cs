using RingStore.Client.Protos;

namespace RingStore.Cluster.Tests;

/// <summary>The load test's table: <c>kv (k bigint PRIMARY KEY, v text)</c>, and the requests that write and read one key.</summary>
public static class KvTable
{
    public const string Name = "kv";

    public static CreateTableRequest Create(string keyspace) => new()
    {
        Keyspace = keyspace,
        Name = Name,
        PartitionKey = { new ColumnDef { Name = "k", Type = ColumnType.Bigint } },
        Columns = { new ColumnDef { Name = "v", Type = ColumnType.Text } },
    };

    public static MutateRequest Write(string keyspace, long key, string value, long timestampMicros, Consistency consistency) => new()
    {
        Consistency = consistency,
        Mutations =
        {
            new Mutation
            {
                Keyspace = keyspace,
                Table = Name,
                PartitionKey = { new Value { Bigint = key } },
                Rows = { new RowWrite { Cells = { ["v"] = new Value { Text = value } } } },
                TimestampMicros = timestampMicros,
            },
        },
    };

    public static ReadRequest Read(string keyspace, long key, Consistency consistency) => new()
    {
        Keyspace = keyspace,
        Table = Name,
        PartitionKey = { new Value { Bigint = key } },
        Consistency = consistency,
    };

    /// <summary>The value of v in a single-row answer; null when the partition has no row.</summary>
    public static string? Value(ReadResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (response.Rows.Count == 0) return null;
        int column = response.Columns.Select(c => c.Name).ToList().IndexOf("v");
        return response.Rows[0].Values[column].Text;
    }
}
