using RingStore.Node.Schema;
using static RingStore.Node.Tests.Schema.SchemaTestData;

namespace RingStore.Node.Tests.Schema;

public class SchemaDiffTests
{
    [Fact]
    public void Diff_reports_added_and_dropped_tables_and_treats_a_recreate_as_both()
    {
        var ks = SchemaSnapshot.Empty.With(KeyspaceEntry.Created(KeyspaceDefinition.Simple("ks", 1), 1));
        var v1 = ks.With(TableEntry.Created(Table("ks", "a", IdOf(1)), 2)).With(TableEntry.Created(Table("ks", "b", IdOf(2)), 3));
        var v2 = v1.With(TableEntry.Dropped("ks", "a", 4)).With(TableEntry.Created(Table("ks", "b", IdOf(3)), 5)).With(TableEntry.Created(Table("ks", "c", IdOf(4)), 6));

        var diff = SchemaDiff.Between(v1, v2);
        Assert.Equal(["ks.b", "ks.c"], diff.TablesAdded.Select(t => t.FullName));
        Assert.Equal([IdOf(3), IdOf(4)], diff.TablesAdded.Select(t => t.Id));
        Assert.Equal(["ks.a", "ks.b"], diff.TablesDropped.Select(t => t.FullName));
        Assert.Empty(diff.KeyspacesAdded);
        Assert.True(SchemaDiff.Between(v2, v2).IsEmpty);

        var gone = SchemaDiff.Between(v2, v2.With(KeyspaceEntry.Dropped("ks", 7)));
        Assert.Equal(["ks"], gone.KeyspacesDropped.Select(k => k.Name));
        Assert.Equal(["ks.b", "ks.c"], gone.TablesDropped.Select(t => t.FullName));
    }
}
