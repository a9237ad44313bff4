using System.Globalization;
using RingStore.Client;

namespace RingStore.Cli.Cluster;

/// <summary>
/// The time series `ringstore up` puts on a new cluster: keyspace demo and table demo.readings, partitioned by
/// (sensor, day) and clustered by time, newest first, so "the latest readings of one sensor on one day" is a single
/// partition read. Written once; an existing table is left as it is.
/// </summary>
public static class SampleData
{
    public const string Day = "2026-11-23";
    public const int Sensors = 3;
    public const int ReadingsPerSensor = 48;

    public const string HintQuery = "SELECT * FROM demo.readings WHERE sensor = 1 AND day = '2026-11-23' LIMIT 5;";

    /// <summary>Queries the demo runs to show the table in action.</summary>
    public static readonly IReadOnlyList<string> DemoQueries =
    [
        HintQuery,
        "SELECT ts, value FROM demo.readings WHERE sensor = 2 AND day = '2026-11-23' AND ts >= '2026-11-23 10:00:00' AND ts <= '2026-11-23 12:00:00';",
        "SELECT COUNT(*) FROM demo.readings WHERE sensor = 3 AND day = '2026-11-23';",
    ];

    /// <summary>Creates the keyspace, table and rows unless the table already has them; returns the rows written.</summary>
    public static async Task<int> EnsureAsync(RingStoreClient client, int replicationFactor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(client);
        string rf = replicationFactor.ToString(CultureInfo.InvariantCulture);
        await client.ExecuteAsync(new SimpleStatement(
            $"CREATE KEYSPACE IF NOT EXISTS demo WITH replication = {{'class': 'SimpleStrategy', 'replication_factor': {rf}}}"), ct);
        await client.ExecuteAsync(new SimpleStatement(
            "CREATE TABLE IF NOT EXISTS demo.readings (sensor bigint, day text, ts timestamp, value double, " +
            "PRIMARY KEY ((sensor, day), ts)) WITH CLUSTERING ORDER BY (ts DESC)"), ct);
        var existing = await client.ExecuteAsync(new SimpleStatement(
            "SELECT ts FROM demo.readings WHERE sensor = ? AND day = ? LIMIT 1", 1L, Day) { Consistency = Client.Protos.Consistency.Quorum }, ct);
        if (existing.Rows.Count > 0) return 0;

        var start = DateTimeOffset.Parse(Day, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
        var inserts = new List<Func<Task>>();
        for (long sensor = 1; sensor <= Sensors; sensor++)
        {
            for (int i = 0; i < ReadingsPerSensor; i++)
            {
                var ts = start.AddMinutes(30 * i);
                // A daily temperature curve per sensor, rounded so the printed tables stay readable.
                double value = Math.Round(18 + sensor + 4 * Math.Sin((i - 12) * Math.PI / 24), 2);
                var statement = new SimpleStatement("INSERT INTO demo.readings (sensor, day, ts, value) VALUES (?, ?, ?, ?)", sensor, Day, ts, value)
                {
                    Consistency = Client.Protos.Consistency.Quorum,
                };
                inserts.Add(() => client.ExecuteAsync(statement, ct));
            }
        }
        await Parallel.ForEachAsync(inserts, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (insert, _) => await insert());
        return inserts.Count;
    }
}
