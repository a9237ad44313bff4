using RingStore.Core.Consistency;
using RingStore.Core.Partitioning;
using RingStore.Core.Reads;
using Xunit.Abstractions;

namespace RingStore.Simulation.Tests;

/// <summary>
/// Token-range scans driven through the product's <c>RangeReadOperation</c>: under faults they keep every rule a
/// read keeps (key by key) and the blocking repair rule, they exercise paging, cut replies and repairs, and the
/// simulated range replica answers as the node's does (bounded by rows, resuming after its last partition).
/// </summary>
public class ScanSimulationTests
{
    private readonly ITestOutputHelper _output;

    public ScanSimulationTests(ITestOutputHelper output) => _output = output;

    /// <summary>Mostly scans, over several keys, with the whole fault model.</summary>
    public static SimulationOptions ScanHeavy(int seed) => SimulationOptions.Everything(seed) with { ScanProbability = 0.4, KeyCount = 6 };

    [Fact]
    public void Scans_keep_every_guarantee_under_every_fault()
    {
        var failures = new List<string>();
        long scanReads = 0, quorumScanReads = 0, seenValues = 0;
        var totals = new SimulationStats();
        for (int seed = 1; seed <= 30; seed++)
        {
            var result = CoordinatorSimulation.Run(ScanHeavy(seed));
            if (result.Violations.Count > 0) failures.Add($"seed {seed}: {string.Join("; ", result.Violations.Take(3))}");
            scanReads += result.History.Count(o => o.Kind == OperationKind.Scan);
            quorumScanReads += result.History.Count(o => o.Kind == OperationKind.Scan && o.Level == ConsistencyLevel.Quorum);
            seenValues += result.History.Count(o => o.Kind == OperationKind.Scan && o.Value != 0);
            totals.Scans += result.Stats.Scans;
            totals.ScansCompleted += result.Stats.ScansCompleted;
            totals.ScanPages += result.Stats.ScanPages;
            totals.ScanRepairs += result.Stats.ScanRepairs;
        }
        _output.WriteLine($"scans={totals.Scans} completed={totals.ScansCompleted} pages={totals.ScanPages} repairs={totals.ScanRepairs} key reads={scanReads} (QUORUM {quorumScanReads}, values {seenValues})");
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
        Assert.True(totals.Scans > 300 && totals.ScanPages > 2_000 && totals.ScanRepairs > 20 && totals.ScansCompleted > 200 && quorumScanReads > 300 && seenValues > 500,
            $"scans={totals.Scans} pages={totals.ScanPages} repairs={totals.ScanRepairs} quorum={quorumScanReads} values={seenValues}");
    }

    [Fact]
    public void A_range_replica_answers_bounded_by_rows_and_resumes_after_its_last_partition()
    {
        var store = new SimReplicaStore();
        var keys = Enumerable.Range(0, 5).Select(SimCluster.KeyBytes).OrderBy(k => Murmur3Partitioner.GetToken(k)).ToList();
        foreach (var k in keys)
            store.Apply(RingStore.Core.Data.PartitionUpdate.OfRows(SimCluster.Table, k,
                new RingStore.Core.Data.Row([], RingStore.Core.Data.LivenessInfo.At(1), RingStore.Core.Data.DeletionTime.Live, [])));

        var seen = new List<byte[]>();
        var from = RangePosition.AfterToken(new Token(long.MinValue));
        for (int pages = 0; pages < 10; pages++)
        {
            var (partitions, resume) = store.ReadRange(from, long.MaxValue, rowLimit: 2);
            Assert.True(partitions.Count <= 2);
            seen.AddRange(partitions.Select(p => p.Key));
            if (resume is null) break;
            Assert.Equal(partitions[^1].Key, resume.Key);
            from = resume;
        }
        Assert.Equal(keys.Select(Convert.ToHexString), seen.Select(Convert.ToHexString));

        // A bounded range: only tokens in (start, end].
        var start = Murmur3Partitioner.GetToken(keys[0]);
        var end = Murmur3Partitioner.GetToken(keys[2]);
        var (some, rest) = store.ReadRange(RangePosition.AfterToken(start), end.Value, rowLimit: 100);
        Assert.Null(rest);
        Assert.Equal(keys.Skip(1).Take(2).Select(Convert.ToHexString), some.Select(p => Convert.ToHexString(p.Key)));
    }

    [Fact]
    public void Pieces_cut_the_scan_at_every_ring_token_inside_it()
    {
        var cluster = new SimCluster(new SimulationOptions(3));
        var pieces = SimRangeReadDriver.Pieces(cluster.Ring, long.MinValue, long.MaxValue).ToList();
        Assert.Equal(cluster.Ring.VnodeCount + 1, pieces.Count);
        Assert.Equal(long.MinValue, pieces[0].Start);
        Assert.Equal(long.MaxValue, pieces[^1].End);
        for (int i = 1; i < pieces.Count; i++) Assert.Equal(pieces[i - 1].End, pieces[i].Start);
    }

    [Fact]
    public void Checker_flags_a_scan_page_whose_replica_lacks_what_it_returned()
    {
        var held = new Dictionary<string, long>(StringComparer.Ordinal) { ["n1"] = 9, ["n2"] = 7 };
        var violation = ConsistencyChecker.ScanNotRepaired(0, 9, held, TimeSpan.Zero, TimeSpan.FromMilliseconds(5), "n1");
        Assert.NotNull(violation);
        Assert.Equal(Violation.ScanNotRepaired, violation!.Rule);
        Assert.Contains("n2", violation.Message, StringComparison.Ordinal);
        Assert.Null(ConsistencyChecker.ScanNotRepaired(0, 7, held, TimeSpan.Zero, TimeSpan.FromMilliseconds(5), "n1"));
    }

    [Fact]
    public void Checker_holds_a_scans_record_of_a_key_to_the_read_rules()
    {
        static TimeSpan ms(double x) => TimeSpan.FromMilliseconds(x);
        var history = new List<OperationRecord>
        {
            new(OperationKind.Write, 0, 5, ms(0), ms(10), true, "n1"),
            new(OperationKind.Scan, 0, 0, ms(20), ms(30), true, "n2"),       // a QUORUM scan missed the acked 5
            new(OperationKind.Delete, 1, 6, ms(0), ms(10), true, "n1"),
            new(OperationKind.Scan, 1, 4, ms(20), ms(30), true, "n2"),       // a deleted row came back in a scan
            new(OperationKind.Scan, 1, 0, ms(40), ms(50), true, "n2"),       // nothing after the delete: fine
        };
        var rules = ConsistencyChecker.Check(history).Select(v => v.Rule).ToList();
        Assert.Equal([Violation.LostWrite, Violation.Resurrected], rules);
    }
}
