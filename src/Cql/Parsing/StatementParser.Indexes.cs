using RingStore.Cql.Ast;

namespace RingStore.Cql;

/// <summary>
/// CREATE INDEX [IF NOT EXISTS] [name] ON [ks.]t (column) and DROP INDEX [IF EXISTS] [ks.]name. INDEX and ON are
/// unreserved here (recognised by position), so existing columns called index or on keep working.
/// </summary>
internal sealed partial class StatementParser
{
    /// <summary>After CREATE: INDEX ...; null when the next word is not INDEX.</summary>
    private CreateIndexStatement? TryParseCreateIndex()
    {
        if (!AcceptWord("INDEX")) return null;
        bool ifNotExists = ParseIfNotExists();
        string? name = null;
        // "CREATE INDEX ON t" has no name; "CREATE INDEX on ON t" names the index "on".
        if (!(Current.IsWord("ON") && !PeekAhead(1).IsWord("ON"))) name = ParseIdentifier("an index name or ON");
        if (!AcceptWord("ON")) throw NoViable(Current, "ON");
        var table = ParseTableName();
        ExpectSymbol("(");
        string column = ParseIdentifier("a column name");
        ExpectSymbol(")");
        return new CreateIndexStatement(name, table, column, ifNotExists);
    }

    /// <summary>After DROP: INDEX ...; null when the next word is not INDEX.</summary>
    private DropIndexStatement? TryParseDropIndex()
    {
        if (!AcceptWord("INDEX")) return null;
        bool ifExists = ParseIfExists();
        string first = ParseIdentifier("an index name");
        if (!AcceptSymbol(".")) return new DropIndexStatement(new QualifiedName(null, first), ifExists);
        return new DropIndexStatement(new QualifiedName(first, ParseIdentifier("an index name")), ifExists);
    }
}
