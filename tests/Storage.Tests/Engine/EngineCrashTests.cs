using RingStore.Core.Data;
using RingStore.Core.Reads;
using RingStore.Core.Schema;
using RingStore.Core.Values;
using RingStore.Storage.Engine;
using RingStore.Storage.Tests.CommitLog;

namespace RingStore.Storage.Tests.Engine;

/// <summary>
/// A child process writes rows through the whole engine under group sync (memtables small enough
/// that flushes and commit-log releases happen during the run) and reports each acknowledged write;
/// it is SIGKILLed at a random moment. After reopening, every acknowledged row must be readable.
/// </summary>
public sealed class EngineCrashTests
{
    // The child's table, so both sides agree on it by construction.
    private static readonly TableSchema Schema = EngineMode.Schema;

    [Fact]
    public async Task Every_acknowledged_engine_write_survives_SIGKILL()
    {
        using var dir = new TempDirectory();
        var random = new Random(Environment.TickCount);
        var allAcked = new HashSet<long>();
        for (int round = 0; round < 2; round++)
        {
            int killAfterAcks = random.Next(500, 4000);
            var acked = await CommitLogCrashTests.RunChildAndKill(dir.Path, round * 1_000_000L, killAfterAcks, random.Next(0, 30), "engine");
            Assert.True(acked.Count >= killAfterAcks, $"round {round}: child acknowledged only {acked.Count} writes");
            allAcked.UnionWith(acked);

            await using var engine = StorageEngine.Open(new StorageEngineOptions { DataDirectory = dir.Path, BackgroundCompaction = false }, [Schema]);
            var present = new HashSet<long>();
            for (long id = 0; id < 16; id++)
            {
                var rows = engine.Read(SliceQuery.WholePartition(Schema.FullName, PartitionKeyCodec.Serialize(Schema.PartitionKey, [id]))).Rows;
                foreach (var row in rows) present.Add((long)ClusteringKeyCodec.Decode(Schema.Clustering, row.Clustering)[0]);
            }
            var missing = allAcked.Where(s => !present.Contains(s)).Take(5).ToList();
            Assert.True(missing.Count == 0, $"round {round}: {allAcked.Count} acknowledged, lost e.g. {string.Join(", ", missing)}");
        }
    }
}
