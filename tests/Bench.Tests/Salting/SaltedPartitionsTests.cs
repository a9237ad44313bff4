using CsCheck;
using RingStore.Client;
using RingStore.Client.Protos;

namespace RingStore.Bench.Tests.Salting;

public sealed class SaltedPartitionsTests
{
    private static readonly TableInfo Table = CreateTable();

    private static TableInfo CreateTable()
    {
        // PRIMARY KEY ((id, salt), a DESC, b), v: clustering a int DESC then b text ASC.
        var table = new TableInfo { Keyspace = "ks", Name = "t" };
        table.PartitionKey.Add(new ColumnDef { Name = "id", Type = ColumnType.Bigint });
        table.PartitionKey.Add(new ColumnDef { Name = "salt", Type = ColumnType.Int });
        table.Clustering.Add(new ColumnDef { Name = "a", Type = ColumnType.Int, Descending = true });
        table.Clustering.Add(new ColumnDef { Name = "b", Type = ColumnType.Text });
        table.Columns.Add(new ColumnDef { Name = "v", Type = ColumnType.Text });
        return table;
    }

    private static RowWrite Row(int a, string b)
    {
        var row = new RowWrite();
        row.Clustering.Add(new Value { Int = a });
        row.Clustering.Add(new Value { Text = b });
        row.Cells.Add("v", new Value { Text = $"{a}/{b}" });
        return row;
    }

    private static Mutation Logical(IEnumerable<RowWrite> rows)
    {
        var m = new Mutation { Keyspace = "ks", Table = "t" };
        m.PartitionKey.Add(new Value { Bigint = 7 });
        m.Rows.AddRange(rows);
        return m;
    }

    [Fact]
    public void A_rows_salt_is_stable_and_in_range()
    {
        Gen.Select(Gen.Int[1, 64], Gen.Int, Gen.String).Sample((n, a, b) =>
        {
            var salts = new SaltedPartitions(n);
            int salt = salts.SaltOf(Row(a, b).Clustering);
            Assert.InRange(salt, 0, n - 1);
            Assert.Equal(salt, new SaltedPartitions(n).SaltOf(Row(a, b).Clustering));
        });
        // Many rows spread over every salt.
        var eight = new SaltedPartitions(8);
        Assert.Equal(8, Enumerable.Range(0, 1000).Select(i => eight.SaltOf(Row(i, "x").Clustering)).Distinct().Count());
    }

    [Fact]
    public void Spread_sends_each_row_to_its_salts_sub_partition_once()
    {
        Gen.Select(Gen.Int[1, 16], Gen.Select(Gen.Int[-50, 50], Gen.String[0, 4]).Array[0, 40]).Sample((n, keys) =>
        {
            var salts = new SaltedPartitions(n);
            var rows = keys.Select(k => Row(k.Item1, k.Item2)).ToList();
            var spread = salts.Spread(Logical(rows));
            Assert.Equal(rows.Count, spread.Sum(m => m.Rows.Count));
            Assert.Equal(spread.Count, spread.Select(m => m.PartitionKey[1].Int).Distinct().Count());
            foreach (var m in spread)
            {
                Assert.Equal(2, m.PartitionKey.Count);
                Assert.Equal(7, m.PartitionKey[0].Bigint);
                Assert.All(m.Rows, r => Assert.Equal(m.PartitionKey[1].Int, salts.SaltOf(r.Clustering)));
            }
        });
    }

    [Fact]
    public void Partition_and_range_deletes_go_to_every_sub_partition()
    {
        var salts = new SaltedPartitions(4);
        var delete = Logical([Row(1, "a")]);
        delete.DeletePartition = true;
        var spread = salts.Spread(delete);
        Assert.Equal([0, 1, 2, 3], spread.Select(m => m.PartitionKey[1].Int));
        Assert.All(spread, m => Assert.True(m.DeletePartition));
        Assert.Equal(1, spread.Sum(m => m.Rows.Count));
    }

    [Fact]
    public void Fan_out_reads_every_salt_with_the_same_slice()
    {
        var salts = new SaltedPartitions(3);
        var read = new ReadRequest { Keyspace = "ks", Table = "t", Limit = 5, Reversed = true, Consistency = Consistency.Quorum, PagingState = Google.Protobuf.ByteString.CopyFromUtf8("x") };
        read.PartitionKey.Add(new Value { Bigint = 7 });
        var reads = salts.FanOut(read);
        Assert.Equal([0, 1, 2], reads.Select(r => r.PartitionKey[1].Int));
        Assert.All(reads, r =>
        {
            Assert.Equal(5, r.Limit);
            Assert.True(r.Reversed);
            Assert.Equal(Consistency.Quorum, r.Consistency);
            Assert.True(r.PagingState.IsEmpty);
        });
        Assert.Single(read.PartitionKey); // the logical request is untouched
    }

    [Fact]
    public void Merge_of_the_sub_partitions_equals_one_partition_in_clustering_order()
    {
        var keys = Gen.Select(Gen.Int[-20, 20], Gen.Char['a', 'e'].Array[0, 3].Select(c => new string(c)));
        Gen.Select(Gen.Int[1, 8], keys.Array[0, 60], Gen.Bool, Gen.Int[0, 10]).Sample((n, raw, reversed, limit) =>
        {
            var salts = new SaltedPartitions(n);
            var distinct = raw.Distinct().ToList();
            // The table's order: a descending, then b ascending (ordinal = UTF-8 byte order for these letters).
            var expected = distinct.OrderByDescending(k => k.Item1).ThenBy(k => k.Item2, StringComparer.Ordinal).ToList();
            if (reversed) expected.Reverse();
            var responses = Enumerable.Range(0, n).Select(salt =>
            {
                var response = Response();
                foreach (var k in expected.Where(k => salts.SaltOf(Row(k.Item1, k.Item2).Clustering) == salt)) response.Rows.Add(ResultRow(salt, k.Item1, k.Item2));
                return response;
            }).ToList();
            var merged = SaltedPartitions.Merge(responses, Table, reversed, limit);
            var got = merged.Rows.Select(r => (r.Values[2].Int, r.Values[3].Text)).ToList();
            Assert.Equal(limit > 0 ? expected.Take(limit).ToList() : expected, got);
            Assert.Equal(5, merged.Columns.Count);
        });
    }

    private static ReadResponse Response()
    {
        var response = new ReadResponse();
        response.Columns.Add(new ColumnDef { Name = "id", Type = ColumnType.Bigint });
        response.Columns.Add(new ColumnDef { Name = "salt", Type = ColumnType.Int });
        response.Columns.Add(new ColumnDef { Name = "a", Type = ColumnType.Int, Descending = true });
        response.Columns.Add(new ColumnDef { Name = "b", Type = ColumnType.Text });
        response.Columns.Add(new ColumnDef { Name = "v", Type = ColumnType.Text });
        return response;
    }

    private static ResultRow ResultRow(int salt, int a, string b)
    {
        var row = new ResultRow();
        row.Values.Add(new Value { Bigint = 7 });
        row.Values.Add(new Value { Int = salt });
        row.Values.Add(new Value { Int = a });
        row.Values.Add(new Value { Text = b });
        row.Values.Add(new Value { Text = $"{a}/{b}" });
        return row;
    }
}
