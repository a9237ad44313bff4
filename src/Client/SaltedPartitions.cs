using RingStore.Client.Protos;
using RingStore.Client.Values;
using RingStore.Core.Partitioning;
using RingStore.Core.Values;
using CoreClusteringColumn = RingStore.Core.Schema.ClusteringColumn;
using CoreClusteringOrder = RingStore.Core.Schema.ClusteringOrder;

namespace RingStore.Client;

/// <summary>
/// Spreads a hot logical partition over <see cref="SaltCount"/> sub-partitions, so that its writes land on
/// several replica sets instead of one. The table carries the salt as its last partition-key column, an int:
/// <c>PRIMARY KEY ((id, bucket, salt), ts)</c>. A row's salt is a hash of its clustering values modulo
/// SaltCount, so the same row always lands in the same sub-partition (an overwrite or delete finds it).
/// Writes go to one sub-partition per row; a read of the logical partition fans out to every sub-partition
/// and merges the answers by clustering order (each sub-partition answers in that order already), applying
/// the logical read's limit to the merged rows. Partition and range deletes go to every sub-partition.
/// </summary>
public sealed class SaltedPartitions
{
    public SaltedPartitions(int saltCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(saltCount, 1);
        SaltCount = saltCount;
    }

    public int SaltCount { get; }

    /// <summary>
    /// The sub-partition of a row: Murmur3 of its clustering values' wire bytes, modulo SaltCount. Stable across
    /// processes and runs (unlike string.GetHashCode), so every client agrees.
    /// </summary>
    public int SaltOf(IEnumerable<Value> clustering)
    {
        ArgumentNullException.ThrowIfNull(clustering);
        using var bytes = new MemoryStream();
        foreach (var value in clustering)
        {
            byte[] encoded = Google.Protobuf.MessageExtensions.ToByteArray(value);
            bytes.WriteByte((byte)encoded.Length); // length-prefix so (1, 23) and (12, 3) differ
            bytes.Write(encoded);
        }
        long hash = Murmur3Hash.Hash64(bytes.GetBuffer().AsSpan(0, (int)bytes.Length));
        return (int)((ulong)hash % (ulong)SaltCount);
    }

    /// <summary>
    /// The sub-partition mutations of a logical mutation (whose partition key lacks the salt): rows grouped by
    /// salt, each group with the salt appended to the key; partition and range deletes copied to every salt.
    /// </summary>
    public IReadOnlyList<Mutation> Spread(Mutation logical)
    {
        ArgumentNullException.ThrowIfNull(logical);
        bool everySalt = logical.DeletePartition || logical.RangeDeletes.Count > 0;
        var bySalt = new SortedDictionary<int, Mutation>();
        Mutation For(int salt)
        {
            if (bySalt.TryGetValue(salt, out var existing)) return existing;
            var m = logical.Clone();
            m.Rows.Clear();
            if (!everySalt)
            {
                m.RangeDeletes.Clear();
                m.DeletePartition = false;
            }
            m.PartitionKey.Add(new Value { Int = salt });
            bySalt[salt] = m;
            return m;
        }

        if (everySalt)
            for (int salt = 0; salt < SaltCount; salt++) For(salt);
        foreach (var row in logical.Rows) For(SaltOf(row.Clustering)).Rows.Add(row.Clone());
        return [.. bySalt.Values];
    }

    /// <summary>One read per sub-partition: the logical read (bounds, order, limit, consistency) with the salt appended to the key.</summary>
    public IReadOnlyList<ReadRequest> FanOut(ReadRequest logical)
    {
        ArgumentNullException.ThrowIfNull(logical);
        var reads = new ReadRequest[SaltCount];
        for (int salt = 0; salt < SaltCount; salt++)
        {
            var read = logical.Clone();
            read.PagingState = Google.Protobuf.ByteString.Empty;
            read.PartitionKey.Add(new Value { Int = salt });
            reads[salt] = read;
        }
        return reads;
    }

    /// <summary>
    /// Merges the sub-partitions' rows into the table's clustering order (reversed when the read was), keeping at
    /// most <paramref name="limit"/> rows (0 = all). Each response must hold its rows in that order, as a read returns them.
    /// </summary>
    public static ReadResponse Merge(IReadOnlyList<ReadResponse> responses, TableInfo table, bool reversed, int limit)
    {
        ArgumentNullException.ThrowIfNull(responses);
        ArgumentNullException.ThrowIfNull(table);
        var merged = new ReadResponse();
        var first = responses.FirstOrDefault(r => r.Columns.Count > 0);
        if (first is null) return merged;
        merged.Columns.AddRange(first.Columns);

        var clustering = table.Clustering
            .Select(c => new CoreClusteringColumn(c.Name, (Core.Schema.ColumnType)c.Type, c.Descending ? CoreClusteringOrder.Desc : CoreClusteringOrder.Asc))
            .ToArray();
        int clusteringStart = first.Columns.Count - table.Columns.Count - clustering.Length;
        if (clusteringStart < 0) throw new ArgumentException("The responses' columns do not match the table.", nameof(table));

        var keyed = new List<(byte[] Key, int Source, int Index, ResultRow Row)>();
        for (int source = 0; source < responses.Count; source++)
        {
            var rows = responses[source].Rows;
            for (int i = 0; i < rows.Count; i++)
                keyed.Add((ClusteringKey(rows[i], clustering, clusteringStart), source, i, rows[i]));
        }
        // A stable sort on the byte-comparable key: rows with equal keys (impossible across salts, since a row's salt
        // is a function of its key) would keep their sub-partition order.
        var ordered = keyed
            .OrderBy(k => k.Key, reversed ? ReverseByteComparer.Instance : ByteComparer.Instance)
            .ThenBy(k => k.Source)
            .ThenBy(k => k.Index)
            .Select(k => k.Row);
        merged.Rows.AddRange(limit > 0 ? ordered.Take(limit) : ordered);
        return merged;
    }

    /// <summary>Writes a logical mutation through <paramref name="client"/>: one request holding the sub-partition mutations.</summary>
    public Task MutateAsync(RingStoreClient client, Mutation logical, Consistency? consistency = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        return client.MutateAsync(Spread(logical), consistency, ct);
    }

    /// <summary>Reads a logical partition: every sub-partition concurrently (all pages), merged by clustering order.</summary>
    public async Task<ReadResponse> ReadAsync(RingStoreClient client, ReadRequest logical, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(logical);
        var table = client.Metadata.FindTable(logical.Keyspace, logical.Table)
            ?? throw new RingStoreException($"Unknown table {logical.Keyspace}.{logical.Table}.");
        var reads = FanOut(logical).Select(r => ReadAllPagesAsync(client, r, ct));
        var responses = await Task.WhenAll(reads).ConfigureAwait(false);
        return Merge(responses, table, logical.Reversed, logical.Limit);
    }

    private static async Task<ReadResponse> ReadAllPagesAsync(RingStoreClient client, ReadRequest read, CancellationToken ct)
    {
        var all = await client.ReadAsync(read, ct).ConfigureAwait(false);
        var page = all;
        while (!page.PagingState.IsEmpty && (read.Limit == 0 || all.Rows.Count < read.Limit))
        {
            var next = read.Clone();
            next.PagingState = page.PagingState;
            page = await client.ReadAsync(next, ct).ConfigureAwait(false);
            all.Rows.AddRange(page.Rows);
        }
        all.PagingState = Google.Protobuf.ByteString.Empty;
        return all;
    }

    private static byte[] ClusteringKey(ResultRow row, CoreClusteringColumn[] clustering, int start)
    {
        var values = new object?[clustering.Length];
        for (int i = 0; i < clustering.Length; i++)
            values[i] = ProtoValues.ToCoreKeyValue(row.Values[start + i], (ColumnType)clustering[i].Type);
        return ClusteringKeyCodec.Encode(clustering, values);
    }

    private sealed class ByteComparer : IComparer<byte[]>
    {
        public static readonly ByteComparer Instance = new();

        public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
    }

    private sealed class ReverseByteComparer : IComparer<byte[]>
    {
        public static readonly ReverseByteComparer Instance = new();

        public int Compare(byte[]? x, byte[]? y) => y.AsSpan().SequenceCompareTo(x);
    }
}
