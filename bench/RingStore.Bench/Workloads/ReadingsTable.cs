using Google.Protobuf;
using RingStore.Client.Protos;

namespace RingStore.Bench.Workloads;

/// <summary>
/// The scenarios' time-series table: <c>PRIMARY KEY ((id bigint, time_bucket text, salt int), ts bigint)</c>,
/// one blob column v. Salt is 0 unless a partition is spread by <see cref="Client.SaltedPartitions"/> (the helper
/// appends it as the last key column), so plain and salted runs use the same table shape.
/// </summary>
public sealed class ReadingsTable(string keyspace, string table)
{
    public string Keyspace { get; } = keyspace;

    public string Table { get; } = table;

    public static CreateKeyspaceRequest CreateKeyspace(string keyspace, int replicationFactor) => new()
    {
        Name = keyspace,
        IfNotExists = true,
        Replication = new Replication { Class = "SimpleStrategy", ReplicationFactor = replicationFactor },
    };

    public CreateTableRequest CreateTable()
    {
        var request = new CreateTableRequest { Keyspace = Keyspace, Name = Table, IfNotExists = true };
        request.PartitionKey.Add(new ColumnDef { Name = "id", Type = ColumnType.Bigint });
        request.PartitionKey.Add(new ColumnDef { Name = "time_bucket", Type = ColumnType.Text });
        request.PartitionKey.Add(new ColumnDef { Name = "salt", Type = ColumnType.Int });
        request.Clustering.Add(new ColumnDef { Name = "ts", Type = ColumnType.Bigint });
        request.Columns.Add(new ColumnDef { Name = "v", Type = ColumnType.Blob });
        return request;
    }

    /// <summary>The write of one reading. Without a salt the key lacks its last column (for the salting helper to add).</summary>
    public Mutation Write(long id, string bucket, long timestampMillis, int valueBytes, int? salt)
    {
        var mutation = new Mutation { Keyspace = Keyspace, Table = Table };
        AddKey(mutation.PartitionKey, id, bucket, salt);
        var row = new RowWrite();
        row.Clustering.Add(new Value { Bigint = timestampMillis });
        row.Cells.Add("v", new Value { Blob = ByteString.CopyFrom(ReadingValue.For(id, timestampMillis, valueBytes)) });
        mutation.Rows.Add(row);
        return mutation;
    }

    /// <summary>One mutation of <paramref name="count"/> consecutive readings ts = firstMillis, firstMillis + 1, ... of one partition (bulk loading).</summary>
    public Mutation WriteRows(long id, string bucket, long firstMillis, int count, int valueBytes, int? salt)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var mutation = new Mutation { Keyspace = Keyspace, Table = Table };
        AddKey(mutation.PartitionKey, id, bucket, salt);
        for (int i = 0; i < count; i++)
        {
            var row = new RowWrite();
            row.Clustering.Add(new Value { Bigint = firstMillis + i });
            row.Cells.Add("v", new Value { Blob = ByteString.CopyFrom(ReadingValue.For(id, firstMillis + i, valueBytes)) });
            mutation.Rows.Add(row);
        }
        return mutation;
    }

    /// <summary>Rows with ts in [fromMillis, toMillis], both inclusive; limit 0 = all.</summary>
    public ReadRequest RangeRead(long id, string bucket, long fromMillis, long toMillis, int? salt, Consistency consistency, int limit = 0)
    {
        var read = new ReadRequest
        {
            Keyspace = Keyspace,
            Table = Table,
            Consistency = consistency,
            Limit = limit,
            Start = new Bound { Inclusive = true },
            End = new Bound { Inclusive = true },
        };
        AddKey(read.PartitionKey, id, bucket, salt);
        read.Start.Prefix.Add(new Value { Bigint = fromMillis });
        read.End.Prefix.Add(new Value { Bigint = toMillis });
        return read;
    }

    /// <summary>Every row of the partition.</summary>
    public ReadRequest FullRead(long id, string bucket, int? salt, Consistency consistency)
    {
        var read = new ReadRequest { Keyspace = Keyspace, Table = Table, Consistency = consistency };
        AddKey(read.PartitionKey, id, bucket, salt);
        return read;
    }

    private static void AddKey(Google.Protobuf.Collections.RepeatedField<Value> key, long id, string bucket, int? salt)
    {
        key.Add(new Value { Bigint = id });
        key.Add(new Value { Text = bucket });
        if (salt is { } s) key.Add(new Value { Int = s });
    }
}
