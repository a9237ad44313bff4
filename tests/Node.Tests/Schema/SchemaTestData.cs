using CsCheck;
using RingStore.Core.Schema;
using RingStore.Node.Schema;

namespace RingStore.Node.Tests.Schema;

/// <summary>Tables, temp directories and CsCheck generators for schema tests.</summary>
internal static class SchemaTestData
{
    public static TableSchema Table(string keyspace, string name, Guid? id = null, TableOptions? options = null) => new(
        keyspace,
        name,
        [new ColumnDefinition("id", ColumnType.BigInt)],
        [new ClusteringColumn("ts", ColumnType.Timestamp, ClusteringOrder.Desc)],
        [new ColumnDefinition("v", ColumnType.Text)],
        options,
        id ?? Guid.NewGuid());

    /// <summary>A fixed id per variant, so generated tables are reproducible from the seed.</summary>
    public static Guid IdOf(int variant) => new(variant, 0, 0, new byte[8]);

    private static readonly string[] KeyspaceNames = ["ks1", "ks2"];
    private static readonly string[] TableNames = ["t1", "t2"];

    // Few names and few timestamps so generated entries collide: ties and drop-vs-create races are the point.
    public static readonly Gen<KeyspaceEntry> KeyspaceEntries =
        Gen.Select(Gen.Int[0, 1], Gen.Long[0, 4], Gen.Int[0, 3], Gen.Long[-1, 4]).Select((k, ts, kind, drop) =>
        {
            string name = KeyspaceNames[k];
            long? lastDrop = drop < 0 ? null : drop;
            return kind switch
            {
                0 => new KeyspaceEntry(name, null, ts, lastDrop),
                1 => new KeyspaceEntry(name, KeyspaceDefinition.Simple(name, 1), ts, lastDrop),
                2 => new KeyspaceEntry(name, KeyspaceDefinition.Simple(name, 3), ts, lastDrop),
                _ => new KeyspaceEntry(name, KeyspaceDefinition.NetworkTopology(name, new Dictionary<string, int> { ["dc1"] = 2, ["dc2"] = 1 }), ts, lastDrop),
            };
        });

    public static readonly Gen<TableEntry> TableEntries =
        Gen.Select(Gen.Int[0, 1], Gen.Int[0, 1], Gen.Long[0, 4], Gen.Int[0, 3]).Select((k, t, ts, variant) =>
        {
            string ks = KeyspaceNames[k], name = TableNames[t];
            return variant == 0
                ? TableEntry.Dropped(ks, name, ts)
                : TableEntry.Created(Table(ks, name, IdOf(variant), new TableOptions { GcGraceSeconds = variant * 100 }), ts);
        });

    public static readonly Gen<SchemaSnapshot> Snapshots =
        Gen.Select(KeyspaceEntries.Array[0, 4], TableEntries.Array[0, 5]).Select((k, t) => SchemaSnapshot.FromEntries(k, t));

    public static string Hex(SchemaSnapshot snapshot) => Convert.ToHexString(SchemaCodec.Serialize(snapshot));
}

/// <summary>A fresh directory under the temp folder, deleted on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory() => System.IO.Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "ringstore-schema-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp folder does not affect other tests.
        }
    }
}
