using RingStore.Cql.Ast;
using RingStore.Core.Schema;

namespace RingStore.Cql;

/// <summary>SELECT and WHERE restrictions (shared with UPDATE and DELETE).</summary>
internal sealed partial class StatementParser
{
    private const string SelectorExpected = "a column name, *, COUNT(*) or token(...)";
    private const string OperatorExpected = "an operator (=, <, <=, >, >= or IN)";

    private SelectStatement ParseSelect()
    {
        ExpectKeyword("SELECT");
        if (Current.Kind == CqlTokenKind.Identifier && (Current.IsWord("DISTINCT") || Current.IsWord("JSON"))
            && !PeekAhead(1).IsKeyword("FROM") && !PeekAhead(1).IsSymbol(","))
            throw Error(Current, SelectorExpected, $"SELECT {Current.Value.ToUpperInvariant()} is not supported (expected {SelectorExpected})");
        var selectors = ValueList<SelectorItem>.Empty;
        if (!AcceptSymbol("*"))
        {
            var items = new List<SelectorItem>();
            do items.Add(ParseSelectorItem());
            while (AcceptSymbol(","));
            selectors = new ValueList<SelectorItem>(items);
        }
        ExpectKeyword("FROM");
        var table = ParseTableName();
        var where = AcceptKeyword("WHERE") ? ParseRestrictions() : ValueList<Restriction>.Empty;
        ValueList<string>? groupBy = null;
        if (AcceptWord("GROUP"))
        {
            ExpectKeyword("BY");
            groupBy = ParseIdentifierList("a partition key column");
        }
        var orderBy = ValueList<Ordering>.Empty;
        if (AcceptKeyword("ORDER"))
        {
            ExpectKeyword("BY");
            var orderings = new List<Ordering>();
            do orderings.Add(ParseOrdering(orderings));
            while (AcceptSymbol(","));
            orderBy = new ValueList<Ordering>(orderings);
        }
        Term? perPartitionLimit = null;
        if (AcceptWord("PER"))
        {
            ExpectWord("PARTITION");
            ExpectKeyword("LIMIT");
            perPartitionLimit = ParseIntegerTerm("PER PARTITION LIMIT", 1, int.MaxValue);
        }
        Term? limit = AcceptKeyword("LIMIT") ? ParseIntegerTerm("LIMIT", 1, int.MaxValue) : null;
        // ALLOW FILTERING and ALLOW PARTIAL RESULTS, each at most once, in either order.
        bool allowFiltering = false, allowPartial = false;
        while (AcceptKeyword("ALLOW"))
        {
            if (!allowFiltering && AcceptWord("FILTERING")) allowFiltering = true;
            else if (!allowPartial && AcceptWord("PARTIAL"))
            {
                ExpectWord("RESULTS");
                allowPartial = true;
            }
            else if (allowFiltering || allowPartial) throw NoViable(Current, allowFiltering ? "PARTIAL RESULTS" : "FILTERING");
            else ExpectWord("FILTERING"); // the common case's message: "expecting FILTERING"
        }
        return new SelectStatement(selectors, table, where, orderBy, limit, allowFiltering, groupBy, allowPartial) { PerPartitionLimit = perPartitionLimit };
    }

    private SelectorItem ParseSelectorItem()
    {
        var t = Current;
        Selector selector;
        if (t.IsKeyword("TOKEN"))
        {
            Advance();
            ExpectSymbol("(");
            selector = new TokenSelector(ParseIdentifierList("a partition key column"));
            ExpectSymbol(")");
        }
        else if (t.Kind == CqlTokenKind.Identifier && t.IsWord("COUNT") && PeekAhead(1).IsSymbol("(")
            && (PeekAhead(2).IsSymbol("*") || PeekAhead(2).Kind == CqlTokenKind.Integer))
        {
            Advance();
            Advance();
            var argument = Current;
            if (!argument.IsSymbol("*") && !(argument.Kind == CqlTokenKind.Integer && argument.Text == "1"))
                throw NoViable(argument, "*, 1 or a column name");
            Advance();
            ExpectSymbol(")");
            selector = CountSelector.Instance;
        }
        else if (t.Kind == CqlTokenKind.Identifier && PeekAhead(1).IsSymbol("(") && Aggregate(t) is { } function)
        {
            Advance();
            Advance();
            selector = new AggregateSelector(function, ParseIdentifier("a column name"));
            ExpectSymbol(")");
        }
        else if (t.Kind == CqlTokenKind.Identifier && PeekAhead(1).IsSymbol("("))
            throw Error(t, SelectorExpected, $"function '{t.Value}' is not supported (expected {SelectorExpected})");
        else selector = new ColumnSelector(ParseIdentifier(SelectorExpected));
        string? alias = AcceptWord("AS") ? ParseIdentifier("an alias") : null;
        return new SelectorItem(selector, alias);
    }

    /// <summary>COUNT/SUM/AVG/MIN/MAX by name (case-insensitive), or null.</summary>
    private static AggregateFunction? Aggregate(CqlToken t) =>
        t.IsWord("COUNT") ? AggregateFunction.Count : t.IsWord("SUM") ? AggregateFunction.Sum : t.IsWord("AVG") ? AggregateFunction.Avg
        : t.IsWord("MIN") ? AggregateFunction.Min : t.IsWord("MAX") ? AggregateFunction.Max : null;

    private Ordering ParseOrdering(List<Ordering> earlier)
    {
        var t = Current;
        string column = ParseIdentifier("a clustering column");
        if (earlier.Any(o => o.Column == column))
            throw Error(t, "a column not ordered yet", $"column '{column}' appears twice in ORDER BY (expected each column once)");
        var direction = ClusteringOrder.Asc;
        if (AcceptKeyword("DESC")) direction = ClusteringOrder.Desc;
        else AcceptKeyword("ASC");
        return new Ordering(column, direction);
    }

    /// <summary>relation (AND relation)*.</summary>
    private ValueList<Restriction> ParseRestrictions()
    {
        var restrictions = new List<Restriction>();
        do restrictions.Add(ParseRelation());
        while (AcceptKeyword("AND"));
        return new ValueList<Restriction>(restrictions);
    }

    private Restriction ParseRelation()
    {
        var t = Current;
        RestrictionTarget target;
        if (t.IsKeyword("TOKEN"))
        {
            Advance();
            ExpectSymbol("(");
            target = new TokenTarget(ParseIdentifierList("a partition key column"));
            ExpectSymbol(")");
        }
        else if (t.IsSymbol("("))
            throw Error(t, "a column name or token(...)", "multi-column relations are not supported (expected a column name or token(...))");
        else target = new ColumnTarget(ParseIdentifier("a column name or token(...)"));

        var opToken = Current;
        var op = ParseOperator();
        if (op == RelationOperator.In)
        {
            if (target is TokenTarget)
                throw Error(opToken, "=, <, <=, > or >=", "token(...) IN is not supported (expected =, <, <=, > or >=)");
            if (Current.Kind == CqlTokenKind.BindMarker)
                throw Error(Current, "'('", "IN ? (a bound list) is not supported (expected '(' and a ? per value)");
            ExpectSymbol("(");
            var values = new List<Term>();
            if (!Current.IsSymbol(")"))
            {
                do values.Add(ParseTerm());
                while (AcceptSymbol(","));
            }
            ExpectSymbol(")");
            return new Restriction(target, op, new ValueList<Term>(values));
        }
        return new Restriction(target, op, [ParseTerm(allowTokenCall: target is TokenTarget)]);
    }

    private RelationOperator ParseOperator()
    {
        var t = Current;
        RelationOperator? op = t.Kind == CqlTokenKind.Symbol ? t.Text switch
        {
            "=" => RelationOperator.Equal,
            "<" => RelationOperator.LessThan,
            "<=" => RelationOperator.LessThanOrEqual,
            ">" => RelationOperator.GreaterThan,
            ">=" => RelationOperator.GreaterThanOrEqual,
            _ => null,
        } : t.IsKeyword("IN") ? RelationOperator.In : null;
        if (op is RelationOperator found)
        {
            Advance();
            return found;
        }
        if (t.IsSymbol("!="))
            throw Error(t, OperatorExpected, $"the != operator is not supported (expected {OperatorExpected})");
        if (t.Kind == CqlTokenKind.Identifier && (t.IsWord("CONTAINS") || t.IsWord("LIKE") || t.IsWord("IS")))
            throw Error(t, OperatorExpected, $"the {t.Value.ToUpperInvariant()} operator is not supported (expected {OperatorExpected})");
        throw NoViable(t, OperatorExpected);
    }
}
