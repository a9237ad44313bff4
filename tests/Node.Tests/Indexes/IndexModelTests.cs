using CsCheck;
using RingStore.Client.Protos;
using RingStore.Node.Api;
using RingStore.Node.Tests.Cluster;
using static RingStore.Node.Tests.Cql.Rows;

namespace RingStore.Node.Tests.Indexes;

/// <summary>
/// Model-based, through CQL: random inserts (some with a TTL), updates, nulling, row and partition deletions and flushes
/// against an in-memory model; after every step a query by index for every value returns exactly the model's rows with
/// it (and LIMIT returns that many of them). On one node, and on three nodes at QUORUM from rotating coordinators.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class IndexModelTests
{
    private abstract record Op;
    private sealed record Insert(int Pk, int Ck, int Value, bool Ttl) : Op;
    private sealed record Update(int Pk, int Ck, int Value) : Op;
    private sealed record Null(int Pk, int Ck) : Op;
    private sealed record DeleteRow(int Pk, int Ck) : Op;
    private sealed record DeletePartition(int Pk) : Op;
    private sealed record Flush(int Node) : Op;

    private static readonly string[] Values = ["a", "b", "c"];

    private static readonly Gen<Op> GenOp = Gen.Frequency<Op>(
        (10, Gen.Select(Gen.Int[0, 5], Gen.Int[0, 2], Gen.Int[0, 2], Gen.Bool, (pk, ck, v, ttl) => (Op)new Insert(pk, ck, v, ttl))),
        (6, Gen.Select(Gen.Int[0, 5], Gen.Int[0, 2], Gen.Int[0, 2], (pk, ck, v) => (Op)new Update(pk, ck, v))),
        (2, Gen.Select(Gen.Int[0, 5], Gen.Int[0, 2], (pk, ck) => (Op)new Null(pk, ck))),
        (3, Gen.Select(Gen.Int[0, 5], Gen.Int[0, 2], (pk, ck) => (Op)new DeleteRow(pk, ck))),
        (1, Gen.Int[0, 5].Select(pk => (Op)new DeletePartition(pk))),
        (1, Gen.Int[0, 2].Select(n => (Op)new Flush(n))));

    [Fact]
    public Task Query_by_index_matches_the_model_on_one_node() => RunAsync(1);

    [Fact]
    public Task Query_by_index_matches_the_model_on_three_nodes_at_quorum() => RunAsync(3);

    private static async Task RunAsync(int nodes)
    {
        await using var cluster = await InProcessCluster.StartAsync(nodes);
        var consistency = nodes == 1 ? Consistency.One : Consistency.Quorum;
        int turn = 0;
        Task<ExecuteResponse> Run(string cql, string keyspace = "m")
        {
            var request = new ExecuteRequest { Statement = cql, Keyspace = keyspace, Consistency = consistency };
            return cluster[turn++ % nodes].Cql.ExecuteAsync(request, CancellationToken.None);
        }
        await Run($"CREATE KEYSPACE m WITH replication = {{'class': 'SimpleStrategy', 'replication_factor': {nodes}}}", "");
        await Run("CREATE TABLE t (pk int, ck int, v text, w int, PRIMARY KEY (pk, ck))");
        await Run("CREATE INDEX t_v ON t (v)");
        await cluster.WaitUntilAsync(() => Enumerable.Range(0, nodes).All(i => cluster[i].Engine.IndexStatuses().Any(s => s.Index == "t_v" && s.Built)),
            TimeSpan.FromSeconds(60), "the index is built everywhere");
        long timestamp = 1_000_000;

        async Task Sample(Op[] ops)
        {
            await Run("TRUNCATE t");
            var model = new Dictionary<(int, int), string>();
            foreach (var op in ops)
            {
                long ts = ++timestamp;
                switch (op)
                {
                    case Insert i:
                        await Run($"INSERT INTO t (pk, ck, v, w) VALUES ({i.Pk}, {i.Ck}, '{Values[i.Value]}', 1) USING {(i.Ttl ? "TTL 100000 AND " : "")}TIMESTAMP {ts}");
                        model[(i.Pk, i.Ck)] = Values[i.Value];
                        break;
                    case Update u:
                        await Run($"UPDATE t USING TIMESTAMP {ts} SET v = '{Values[u.Value]}' WHERE pk = {u.Pk} AND ck = {u.Ck}");
                        model[(u.Pk, u.Ck)] = Values[u.Value];
                        break;
                    case Null n:
                        await Run($"UPDATE t USING TIMESTAMP {ts} SET v = null WHERE pk = {n.Pk} AND ck = {n.Ck}");
                        model.Remove((n.Pk, n.Ck));
                        break;
                    case DeleteRow d:
                        await Run($"DELETE FROM t USING TIMESTAMP {ts} WHERE pk = {d.Pk} AND ck = {d.Ck}");
                        model.Remove((d.Pk, d.Ck));
                        break;
                    case DeletePartition d:
                        await Run($"DELETE FROM t USING TIMESTAMP {ts} WHERE pk = {d.Pk}");
                        foreach (var key in model.Keys.Where(k => k.Item1 == d.Pk).ToList()) model.Remove(key);
                        break;
                    case Flush f:
                        await cluster[f.Node % nodes].Engine.FlushAsync();
                        break;
                }
                foreach (var value in Values)
                {
                    var want = model.Where(e => e.Value == value).Select(e => e.Key.Item1 * 10 + e.Key.Item2).Order().ToList();
                    var got = (await Run($"SELECT pk, ck FROM t WHERE v = '{value}'")).Rows.Select(r => r.Values[0].Int * 10 + r.Values[1].Int).Order().ToList();
                    Assert.True(want.SequenceEqual(got), $"after {op}: v = {value}: want [{string.Join(",", want)}] got [{string.Join(",", got)}]");
                    var limited = (await Run($"SELECT pk, ck FROM t WHERE v = '{value}' LIMIT 2")).Rows.Select(r => r.Values[0].Int * 10 + r.Values[1].Int).ToList();
                    Assert.Equal(Math.Min(2, want.Count), limited.Count);
                    Assert.Subset(want.ToHashSet(), limited.ToHashSet());
                }
            }
        }

        await GenOp.Array[3, 20].SampleAsync(Sample, iter: 12, threads: 1, print: ops => string.Join("\n", ops.Select(o => o.ToString())));
    }
}
