using RingStore.Cql.Ast;
using RingStore.Core.Schema;

namespace RingStore.Cql;

/// <summary>CREATE/DROP KEYSPACE, CREATE/DROP TABLE, TRUNCATE, USE and WITH properties.</summary>
internal sealed partial class StatementParser
{
    private CqlStatement ParseCreate()
    {
        ExpectKeyword("CREATE");
        if (AcceptKeyword("KEYSPACE")) return ParseCreateKeyspace();
        if (AcceptKeyword("TABLE")) return ParseCreateTable();
        if (TryParseCreateIndex() is { } index) return index;
        if (TryParseCreateRole() is { } role) return role;
        throw NoViable(Current, "KEYSPACE or TABLE");
    }

    private CqlStatement ParseDrop()
    {
        ExpectKeyword("DROP");
        if (AcceptKeyword("KEYSPACE"))
        {
            bool ifExists = ParseIfExists();
            return new DropKeyspaceStatement(ParseIdentifier("a keyspace name"), ifExists);
        }
        if (AcceptKeyword("TABLE"))
        {
            bool ifExists = ParseIfExists();
            return new DropTableStatement(ParseTableName(), ifExists);
        }
        if (TryParseDropIndex() is { } index) return index;
        if (TryParseDropRole() is { } role) return role;
        throw NoViable(Current, "KEYSPACE or TABLE");
    }

    private UseStatement ParseUse()
    {
        ExpectKeyword("USE");
        return new UseStatement(ParseIdentifier("a keyspace name"));
    }

    private TruncateStatement ParseTruncate()
    {
        ExpectKeyword("TRUNCATE");
        AcceptKeyword("TABLE");
        return new TruncateStatement(ParseTableName());
    }

    private bool ParseIfNotExists()
    {
        if (!AcceptKeyword("IF")) return false;
        ExpectKeyword("NOT");
        ExpectWord("EXISTS");
        return true;
    }

    private bool ParseIfExists()
    {
        if (!AcceptKeyword("IF")) return false;
        ExpectWord("EXISTS");
        return true;
    }

    private CreateKeyspaceStatement ParseCreateKeyspace()
    {
        bool ifNotExists = ParseIfNotExists();
        string name = ParseIdentifier("a keyspace name");
        ExpectKeyword("WITH");
        var properties = new List<PropertyAssignment>();
        do ParseProperty(properties);
        while (AcceptKeyword("AND"));
        var list = new ValueList<PropertyAssignment>(properties);
        if (list.Find("replication") is not MapPropertyValue)
            throw Error(Current, "replication = {...}",
                "CREATE KEYSPACE needs a replication map (expected replication = {'class': ..., ...})");
        return new CreateKeyspaceStatement(name, ifNotExists, list);
    }

    /// <summary>name = constant | name = {'key': constant, ...}; names are unique.</summary>
    private void ParseProperty(List<PropertyAssignment> properties)
    {
        var nameToken = Current;
        string name = ParseIdentifier("a property name");
        if (properties.Any(p => p.Name == name))
            throw Error(nameToken, "a property not set yet", $"property '{name}' is set twice (expected each property once)");
        ExpectSymbol("=");
        var valueToken = Current;
        PropertyValue value = valueToken.IsSymbol("{") ? ParseMap() : new ConstantPropertyValue(ParseConstant());
        if (name == "replication" && value is not MapPropertyValue)
            throw Error(valueToken, "'{'", "replication must be a map (expected '{')");
        properties.Add(new PropertyAssignment(name, value));
    }

    private MapPropertyValue ParseMap()
    {
        ExpectSymbol("{");
        var entries = new List<MapEntry>();
        if (!Current.IsSymbol("}"))
        {
            do
            {
                var keyToken = Current;
                if (keyToken.Kind != CqlTokenKind.String) throw NoViable(keyToken, "a quoted option name");
                Advance();
                if (entries.Any(e => string.Equals(e.Key, keyToken.Value, StringComparison.OrdinalIgnoreCase)))
                    throw Error(keyToken, "an option not set yet", $"option '{keyToken.Value}' is set twice (expected each option once)");
                ExpectSymbol(":");
                entries.Add(new MapEntry(keyToken.Value, ParseConstant()));
            }
            while (AcceptSymbol(","));
        }
        ExpectSymbol("}");
        return new MapPropertyValue(new ValueList<MapEntry>(entries));
    }

    private CreateTableStatement ParseCreateTable()
    {
        bool ifNotExists = ParseIfNotExists();
        var table = ParseTableName();
        ExpectSymbol("(");
        var columns = new List<ColumnDeclaration>();
        PrimaryKeyDefinition? primaryKey = null;
        var keyNameTokens = new List<CqlToken>();
        do
        {
            var t = Current;
            if (t.IsKeyword("PRIMARY"))
            {
                if (primaryKey is not null) throw PrimaryKeyTwice(t);
                Advance();
                ExpectWord("KEY");
                primaryKey = ParsePrimaryKeyClause(keyNameTokens);
                continue;
            }
            string name = ParseIdentifier("a column name or PRIMARY KEY");
            if (columns.Any(c => c.Name == name))
                throw Error(t, "a new column name", $"column '{name}' is declared twice (expected each column once)");
            columns.Add(new ColumnDeclaration(name, ParseColumnType()));
            if (Current.IsKeyword("PRIMARY"))
            {
                if (primaryKey is not null) throw PrimaryKeyTwice(Current);
                Advance();
                ExpectWord("KEY");
                primaryKey = new PrimaryKeyDefinition([name], []);
            }
            else if (Current.IsWord("STATIC"))
                throw Error(Current, "',' or ')'", "static columns are not supported (expected ',' or ')')");
        }
        while (AcceptSymbol(","));
        var close = ExpectSymbol(")");
        if (primaryKey is null)
            throw Error(close, "PRIMARY KEY", "the table has no PRIMARY KEY (expected a PRIMARY KEY declaration)");
        foreach (var keyToken in keyNameTokens)
        {
            if (!columns.Any(c => c.Name == keyToken.Value))
                throw Error(keyToken, "a declared column", $"PRIMARY KEY column '{keyToken.Value}' is not declared (expected a declared column)");
        }
        var (clusteringOrder, properties) = ParseTableOptions(primaryKey);
        return new CreateTableStatement(table, ifNotExists, new ValueList<ColumnDeclaration>(columns), primaryKey, clusteringOrder, properties);
    }

    private static CqlSyntaxException PrimaryKeyTwice(CqlToken at) =>
        Error(at, "a single PRIMARY KEY", "multiple PRIMARY KEY declarations (expected a single PRIMARY KEY)");

    /// <summary>'(' partitionKey (',' clustering)* ')' where partitionKey is a name or '(' names ')'.</summary>
    private PrimaryKeyDefinition ParsePrimaryKeyClause(List<CqlToken> nameTokens)
    {
        ExpectSymbol("(");
        var partition = new List<string>();
        if (AcceptSymbol("("))
        {
            do partition.Add(ParseKeyColumn(nameTokens, partition));
            while (AcceptSymbol(","));
            ExpectSymbol(")");
        }
        else partition.Add(ParseKeyColumn(nameTokens, partition));
        var clustering = new List<string>();
        while (AcceptSymbol(",")) clustering.Add(ParseKeyColumn(nameTokens, partition.Concat(clustering)));
        ExpectSymbol(")");
        return new PrimaryKeyDefinition(new ValueList<string>(partition), new ValueList<string>(clustering));
    }

    private string ParseKeyColumn(List<CqlToken> nameTokens, IEnumerable<string> earlier)
    {
        var t = Current;
        string name = ParseIdentifier("a column name");
        if (earlier.Contains(name))
            throw Error(t, "a column not yet in the key", $"column '{name}' appears twice in the PRIMARY KEY (expected each column once)");
        nameTokens.Add(t);
        return name;
    }

    private (ValueList<ClusteringOrderEntry>, ValueList<PropertyAssignment>) ParseTableOptions(PrimaryKeyDefinition key)
    {
        var order = ValueList<ClusteringOrderEntry>.Empty;
        var properties = new List<PropertyAssignment>();
        if (!AcceptKeyword("WITH")) return (order, ValueList<PropertyAssignment>.Empty);
        do
        {
            var t = Current;
            if (t.Kind == CqlTokenKind.Identifier && t.IsWord("CLUSTERING") && PeekAhead(1).IsKeyword("ORDER"))
            {
                if (order.Count > 0)
                    throw Error(t, "each option once", "CLUSTERING ORDER is given twice (expected each option once)");
                order = ParseClusteringOrder(key);
            }
            else if (t.Kind == CqlTokenKind.Identifier && t.IsWord("COMPACT"))
                throw Error(t, "a table property", "COMPACT STORAGE is not supported (expected a table property)");
            else ParseProperty(properties);
        }
        while (AcceptKeyword("AND"));
        return (order, new ValueList<PropertyAssignment>(properties));
    }

    private ValueList<ClusteringOrderEntry> ParseClusteringOrder(PrimaryKeyDefinition key)
    {
        Advance();
        ExpectKeyword("ORDER");
        ExpectKeyword("BY");
        ExpectSymbol("(");
        var entries = new List<ClusteringOrderEntry>();
        do
        {
            var t = Current;
            string column = ParseIdentifier("a clustering column");
            int expectedIndex = entries.Count;
            if (expectedIndex >= key.Clustering.Count || key.Clustering[expectedIndex] != column)
            {
                string wanted = expectedIndex < key.Clustering.Count ? $"'{key.Clustering[expectedIndex]}'" : "')'";
                throw Error(t, wanted,
                    $"CLUSTERING ORDER must list the clustering columns in key order, '{column}' is out of place (expected {wanted})");
            }
            var direction = ClusteringOrder.Asc;
            if (AcceptKeyword("DESC")) direction = ClusteringOrder.Desc;
            else AcceptKeyword("ASC");
            entries.Add(new ClusteringOrderEntry(column, direction));
        }
        while (AcceptSymbol(","));
        ExpectSymbol(")");
        return new ValueList<ClusteringOrderEntry>(entries);
    }
}
