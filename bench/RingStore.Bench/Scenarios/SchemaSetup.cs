using RingStore.Bench.Measurement;
using RingStore.Bench.Workloads;
using RingStore.Client;

namespace RingStore.Bench.Scenarios;

/// <summary>Creates a keyspace and readings tables through one node and waits until every node (and the SDK) knows them.</summary>
public static class SchemaSetup
{
    public static async Task CreateAsync(IReadOnlyList<NodeProbe> probes, string keyspace, int replicationFactor, IEnumerable<ReadingsTable> tables,
        RingStoreClient? client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(probes);
        ArgumentNullException.ThrowIfNull(tables);
        var api = probes[0].Api;
        await api.CreateKeyspaceAsync(ReadingsTable.CreateKeyspace(keyspace, replicationFactor), cancellationToken: ct).ResponseAsync.ConfigureAwait(false);
        var names = new List<string>();
        foreach (var table in tables)
        {
            await api.CreateTableAsync(table.CreateTable(), cancellationToken: ct).ResponseAsync.ConfigureAwait(false);
            names.Add(table.Table);
        }
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        foreach (var probe in probes)
        {
            while (true)
            {
                var schema = await probe.Api.DescribeSchemaAsync(new Client.Protos.DescribeSchemaRequest(), cancellationToken: ct).ResponseAsync.ConfigureAwait(false);
                if (names.All(n => schema.Tables.Any(t => t.Keyspace == keyspace && t.Name == n))) break;
                if (DateTime.UtcNow > deadline) throw new TimeoutException($"The schema did not reach {probe.Endpoint} within 30 s.");
                await Task.Delay(100, ct).ConfigureAwait(false);
            }
        }
        if (client is not null) await client.RefreshMetadataAsync(ct).ConfigureAwait(false);
    }
}
