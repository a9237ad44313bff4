using Google.Protobuf;
using Grpc.Core;
using RingStore.Client.Protos;

namespace RingStore.Cluster.Tests;

/// <summary>
/// One partition of large blob rows, <c>blobs (id text, ck bigint, value blob, PRIMARY KEY (id, ck))</c>, partition
/// 'wide' with rows ck = 0..Rows-1, plus a few small partitions beside it. Every value is a function of its ck (the ck
/// in its first 8 bytes, then a window of a random pool that shifts with ck), so any read can check each value without
/// keeping what was written, and the values do not compress.
/// </summary>
public sealed class WideBlobPartition
{
    public const string Table = "blobs";
    public const string WideId = "wide";
    public const int SmallPartitions = 20;
    public const int SmallRowsEach = 5;
    private const int RowsPerMutation = 16;

    private readonly byte[] _pool;

    public WideBlobPartition(string keyspace, int rows, int valueBytes)
    {
        Keyspace = keyspace;
        Rows = rows;
        ValueBytes = valueBytes;
        _pool = new byte[4 << 20];
        new Random(22).NextBytes(_pool);
    }

    public string Keyspace { get; }

    public int Rows { get; }

    public int ValueBytes { get; }

    public long WideBytes => (long)Rows * ValueBytes;

    /// <summary>Rows in the whole table: the wide partition and the small ones.</summary>
    public long TableRows => Rows + (long)SmallPartitions * SmallRowsEach;

    /// <summary>min_threshold 64: no automatic compaction of the flushes, so the test's major compaction has work to do.</summary>
    public string CreateStatement =>
        $"CREATE TABLE {Keyspace}.{Table} (id text, ck bigint, value blob, PRIMARY KEY (id, ck)) " +
        "WITH compaction = {'class': 'SizeTieredCompactionStrategy', 'min_threshold': 64, 'max_threshold': 64}";

    public ReadOnlyMemory<byte> Value(long ck)
    {
        var value = new byte[ValueBytes];
        BitConverter.TryWriteBytes(value, ck);
        int offset = (int)((ck * 4099) % (_pool.Length - ValueBytes));
        _pool.AsSpan(offset, ValueBytes - 8).CopyTo(value.AsSpan(8));
        return value;
    }

    /// <summary>True when <paramref name="value"/> is what was written at <paramref name="ck"/>.</summary>
    public bool IsValue(long ck, ReadOnlySpan<byte> value)
    {
        if (value.Length != ValueBytes || BitConverter.ToInt64(value) != ck) return false;
        int offset = (int)((ck * 4099) % (_pool.Length - ValueBytes));
        return value[8..].SequenceEqual(_pool.AsSpan(offset, ValueBytes - 8));
    }

    public static byte[] SmallValue(int partition, int ck) => [(byte)partition, (byte)ck, 0x5a];

    /// <summary>
    /// Writes everything at ALL (every replica acknowledged every row), <paramref name="parallel"/> mutations of 16 rows in
    /// flight, spread over the nodes as coordinators.
    /// </summary>
    public async Task LoadAsync(ProcessCluster cluster, int parallel)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        int next = 0;
        int batches = (Rows + RowsPerMutation - 1) / RowsPerMutation;
        async Task Worker(int worker)
        {
            var client = cluster.Client(worker % cluster.Count);
            while (true)
            {
                int batch = Interlocked.Increment(ref next) - 1;
                if (batch >= batches) return;
                var mutation = new Mutation { Keyspace = Keyspace, Table = Table, PartitionKey = { new Value { Text = WideId } } };
                for (long ck = (long)batch * RowsPerMutation; ck < Math.Min(Rows, (batch + 1L) * RowsPerMutation); ck++)
                {
                    var row = new RowWrite { Clustering = { new Value { Bigint = ck } } };
                    row.Cells["value"] = new Value { Blob = UnsafeByteOperations.UnsafeWrap(Value(ck)) };
                    mutation.Rows.Add(row);
                }
                await MutateAllAsync(client, mutation);
            }
        }
        await Task.WhenAll(Enumerable.Range(0, parallel).Select(Worker));
        for (int p = 0; p < SmallPartitions; p++)
        {
            var mutation = new Mutation { Keyspace = Keyspace, Table = Table, PartitionKey = { new Value { Text = "small" + p } } };
            for (int ck = 0; ck < SmallRowsEach; ck++)
            {
                var row = new RowWrite { Clustering = { new Value { Bigint = ck } } };
                row.Cells["value"] = new Value { Blob = ByteString.CopyFrom(SmallValue(p, ck)) };
                mutation.Rows.Add(row);
            }
            await MutateAllAsync(cluster.Client(p % cluster.Count), mutation);
        }
    }

    private static async Task MutateAllAsync(RingStoreApi.RingStoreApiClient client, Mutation mutation) =>
        await client.MutateAsync(new MutateRequest { Mutations = { mutation }, Consistency = Consistency.All }, ProcessCluster.Call(60));

    /// <summary>Every page of a SELECT run on node <paramref name="node"/>, following paging states.</summary>
    public static async IAsyncEnumerable<ExecuteResponse> PagesAsync(ProcessCluster cluster, int node, string statement, Consistency consistency, int pageSize = 5000)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ByteString paging = ByteString.Empty;
        do
        {
            var response = await cluster.Client(node).ExecuteAsync(new ExecuteRequest
            {
                Statement = statement,
                Consistency = consistency,
                PageSize = pageSize,
                PagingState = paging,
            }, ProcessCluster.Call(120));
            yield return response;
            paging = response.PagingState;
        }
        while (!paging.IsEmpty);
    }

    public static CallOptions LongCall => ProcessCluster.Call(600);
}
