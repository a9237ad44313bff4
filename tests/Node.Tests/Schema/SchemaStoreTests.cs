using Microsoft.Extensions.Time.Testing;
using RingStore.Node.Schema;
using RingStore.Storage.IO;
using static RingStore.Node.Tests.Schema.SchemaTestData;

namespace RingStore.Node.Tests.Schema;

public class SchemaStoreTests
{
    private static readonly DateTimeOffset Start = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_new_node_starts_with_an_empty_schema()
    {
        using var dir = new TempDirectory();
        var store = new SchemaStore(dir.Path);
        Assert.Equal(Path.Combine(dir.Path, "system", "schema.bin"), store.FilePath);
        Assert.True(store.Load().Equals(SchemaSnapshot.Empty));
        Assert.False(File.Exists(store.FilePath));
    }

    [Fact]
    public void Schema_survives_a_restart()
    {
        using var dir = new TempDirectory();
        var time = new FakeTimeProvider(Start);
        var first = new SchemaManager(new SchemaStore(dir.Path), time);
        first.CreateKeyspace(KeyspaceDefinition.Simple("ks", 3), ifNotExists: false);
        var table = Table("ks", "t");
        first.CreateTable(table, ifNotExists: false);
        first.CreateTable(Table("ks", "gone"), ifNotExists: false);
        first.DropTable("ks", "gone", ifExists: false);

        var restarted = new SchemaManager(new SchemaStore(dir.Path), time);

        Assert.Equal(first.Current.Version, restarted.Current.Version);
        Assert.True(restarted.Current.TryGetTable("ks", "t", out var loaded));
        Assert.Equal(table.Id, loaded.Id);
        Assert.False(restarted.Current.TryGetTable("ks", "gone", out _));
        Assert.True(restarted.Current.DroppedTables.ContainsKey("ks.gone"));
        Assert.Equal(3, restarted.Current.Keyspaces.Single().ReplicationFactor);
        Assert.False(File.Exists(new SchemaStore(dir.Path).FilePath + ".tmp"));
    }

    [Fact]
    public void A_flipped_byte_is_reported_naming_the_file()
    {
        using var dir = new TempDirectory();
        var store = SavedStore(dir.Path);
        var bytes = File.ReadAllBytes(store.FilePath);
        bytes[bytes.Length / 2] ^= 0x40;
        File.WriteAllBytes(store.FilePath, bytes);

        var e = Assert.Throws<InvalidDataException>(() => new SchemaManager(new SchemaStore(dir.Path), TimeProvider.System));
        Assert.Contains(store.FilePath, e.Message, StringComparison.Ordinal);
        Assert.Contains("checksum", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_truncated_or_foreign_file_is_reported_naming_the_file()
    {
        using var dir = new TempDirectory();
        var store = SavedStore(dir.Path);
        var bytes = File.ReadAllBytes(store.FilePath);

        File.WriteAllBytes(store.FilePath, bytes[..(bytes.Length - 3)]);
        Assert.Contains(store.FilePath, Assert.Throws<InvalidDataException>(store.Load).Message, StringComparison.Ordinal);

        File.WriteAllBytes(store.FilePath, "not a schema file at all"u8.ToArray());
        var e = Assert.Throws<InvalidDataException>(store.Load);
        Assert.Contains(store.FilePath, e.Message, StringComparison.Ordinal);
        Assert.Contains("header", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_leftover_temp_file_from_a_crash_is_ignored()
    {
        using var dir = new TempDirectory();
        var store = SavedStore(dir.Path);
        var expected = store.Load().Version;
        File.WriteAllBytes(store.FilePath + ".tmp", [1, 2, 3]); // a save cut short before its rename

        Assert.Equal(expected, new SchemaStore(dir.Path).Load().Version);
        Assert.False(File.Exists(store.FilePath + ".tmp"));
    }

    [Fact]
    public void A_change_that_cannot_be_saved_does_not_become_current()
    {
        using var dir = new TempDirectory();
        var fs = new FaultInjectingFileSystem(PhysicalFileSystem.Instance);
        var manager = new SchemaManager(new SchemaStore(dir.Path, fs), new FakeTimeProvider(Start));
        manager.CreateKeyspace(KeyspaceDefinition.Simple("ks", 1), ifNotExists: false);
        var before = manager.Current;
        var changes = 0;
        manager.Changed += _ => changes++;

        fs.FailRename = true;
        Assert.Throws<IOException>(() => manager.CreateTable(Table("ks", "t"), ifNotExists: false));
        Assert.Same(before, manager.Current);
        Assert.Equal(0, changes);

        fs.FailRename = false;
        fs.FailSync = true;
        Assert.Throws<IOException>(() => manager.DropKeyspace("ks", ifExists: false));
        Assert.Same(before, manager.Current);

        Assert.Equal(before.Version, new SchemaStore(dir.Path).Load().Version);
    }

    private static SchemaStore SavedStore(string dataDirectory)
    {
        var store = new SchemaStore(dataDirectory);
        store.Save(SchemaSnapshot.Empty
            .With(KeyspaceEntry.Created(KeyspaceDefinition.Simple("ks", 1), 1))
            .With(TableEntry.Created(Table("ks", "t"), 2)));
        return store;
    }
}
