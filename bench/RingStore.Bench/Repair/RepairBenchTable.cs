using Google.Protobuf;
using RingStore.Client.Protos;

namespace RingStore.Bench.Repair;

/// <summary>
/// The bench's table <c>rows (id bigint, seq int, v blob, PRIMARY KEY (id, seq))</c>. Row r is (r / RowsPerPartition,
/// r % RowsPerPartition); its value is derived from (row, version), so a read-back can check it byte for byte.
/// </summary>
public sealed class RepairBenchTable(string keyspace, RepairBenchSettings settings)
{
    public const string Name = "rows";

    public CreateTableRequest Create() => new()
    {
        Keyspace = keyspace,
        Name = Name,
        PartitionKey = { new ColumnDef { Name = "id", Type = ColumnType.Bigint } },
        Clustering = { new ColumnDef { Name = "seq", Type = ColumnType.Int } },
        Columns = { new ColumnDef { Name = "v", Type = ColumnType.Blob } },
    };

    public byte[] Value(long row, int version)
    {
        var v = new byte[settings.ValueBytes];
        BitConverter.TryWriteBytes(v.AsSpan(0, 8), row);
        BitConverter.TryWriteBytes(v.AsSpan(8, 4), version);
        uint x = (uint)(row * 2654435761 + (uint)version * 40503u + 1);
        for (int i = 12; i < v.Length; i++)
        {
            x ^= x << 13; x ^= x >> 17; x ^= x << 5;
            v[i] = (byte)x;
        }
        return v;
    }

    /// <summary>One mutation writing the given rows (all of one partition) at their versions.</summary>
    public MutateRequest Write(long partition, IEnumerable<(long Row, int Version)> rows, Consistency consistency)
    {
        var m = new Mutation { Keyspace = keyspace, Table = Name, PartitionKey = { new Value { Bigint = partition } } };
        foreach (var (row, version) in rows)
            m.Rows.Add(new RowWrite
            {
                Clustering = { new Value { Int = (int)(row % settings.RowsPerPartition) } },
                Cells = { ["v"] = new Value { Blob = ByteString.CopyFrom(Value(row, version)) } },
            });
        return new MutateRequest { Consistency = consistency, Mutations = { m } };
    }

    public ReadRequest ReadPartition(long partition, Consistency consistency) => new()
    {
        Keyspace = keyspace,
        Table = Name,
        PartitionKey = { new Value { Bigint = partition } },
        Consistency = consistency,
    };
}
