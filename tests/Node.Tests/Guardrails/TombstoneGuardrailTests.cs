using RingStore.Client;
using RingStore.Core.Errors;
using RingStore.Node.Tests.Cluster;

namespace RingStore.Node.Tests.Guardrails;

/// <summary>
/// Tombstones scanned per partition read, through the SDK against real gRPC nodes: a warning over the warn threshold
/// reaches the client's ResultSet naming keyspace, table and partition; over the failure threshold the read fails
/// naming them; at the thresholds exactly nothing happens. Single-partition reads and range scans alike.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class TombstoneGuardrailTests(GuardrailClusterFixture fixture) : IClassFixture<GuardrailClusterFixture>
{
    private const string Columns = "pk int, ck int, v text, PRIMARY KEY (pk, ck)";

    [Fact]
    public async Task A_read_over_the_warn_threshold_warns_the_client_naming_the_partition_and_one_at_it_does_not()
    {
        await fixture.CreateTableAsync("tw", Columns);
        await fixture.FillAsync("tw", 1, live: 5, deleted: GuardrailClusterFixture.TombstoneWarn + 1);
        await fixture.FillAsync("tw", 2, live: 5, deleted: GuardrailClusterFixture.TombstoneWarn);

        var over = await fixture.RunAsync("SELECT * FROM tw WHERE pk = 1");
        Assert.Equal(5, over.Rows.Count);
        var warning = Assert.Single(over.Warnings); // three replicas raised it: de-duplicated
        Assert.Contains("Read 21 tombstones", warning, StringComparison.Ordinal);
        Assert.Contains("ks.tw partition key '1'", warning, StringComparison.Ordinal);

        var at = await fixture.RunAsync("SELECT * FROM tw WHERE pk = 2");
        Assert.Equal(5, at.Rows.Count);
        Assert.Empty(at.Warnings);
    }

    [Fact]
    public async Task A_read_over_the_failure_threshold_fails_naming_keyspace_table_and_partition_and_one_at_it_succeeds()
    {
        await fixture.CreateTableAsync("tf", Columns);
        await fixture.FillAsync("tf", 3, live: 2, deleted: GuardrailClusterFixture.TombstoneFail + 1);
        await fixture.FillAsync("tf", 4, live: 2, deleted: GuardrailClusterFixture.TombstoneFail);

        // Cassandra's TOMBSTONE_OVERWHELM: a ReadFailure whose replica reason names the partition.
        var error = await Assert.ThrowsAsync<RingStoreException>(() => fixture.RunAsync("SELECT * FROM tf WHERE pk = 3"));
        Assert.Equal(RequestErrorKind.ReadFailure, error.Kind);
        Assert.Contains($"Scanned over {GuardrailClusterFixture.TombstoneFail} tombstones", error.Message, StringComparison.Ordinal);
        Assert.Contains("ks.tf partition key '3'", error.Message, StringComparison.Ordinal);
        Assert.Contains("query aborted", error.Message, StringComparison.Ordinal);

        var at = await fixture.RunAsync("SELECT * FROM tf WHERE pk = 4");
        Assert.Equal(2, at.Rows.Count);
        Assert.Contains(at.Warnings, w => w.Contains("ks.tf partition key '4'", StringComparison.Ordinal));

        // A range scan meets partition 3 too, and fails naming it.
        var scan = await Assert.ThrowsAsync<RingStoreException>(() => fixture.RunAsync("SELECT * FROM tf"));
        Assert.Contains("ks.tf partition key '3'", scan.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_range_scan_warns_for_each_partition_over_the_warn_threshold()
    {
        await fixture.CreateTableAsync("tr", Columns);
        await fixture.FillAsync("tr", 7, live: 1, deleted: GuardrailClusterFixture.TombstoneWarn + 1);
        await fixture.FillAsync("tr", 8, live: 1, deleted: GuardrailClusterFixture.TombstoneWarn + 2);
        await fixture.FillAsync("tr", 9, live: 1, deleted: 0);

        var scan = await fixture.RunAsync("SELECT * FROM tr");
        Assert.Equal(3, scan.Rows.Count);
        Assert.Equal(2, scan.Warnings.Count);
        Assert.Contains(scan.Warnings, w => w.Contains("ks.tr partition key '7'", StringComparison.Ordinal));
        Assert.Contains(scan.Warnings, w => w.Contains("ks.tr partition key '8'", StringComparison.Ordinal));
    }
}
