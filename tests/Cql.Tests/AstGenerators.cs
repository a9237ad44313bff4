using System.Globalization;
using CsCheck;
using RingStore.Cql.Ast;
using RingStore.Core.Schema;

namespace RingStore.Cql.Tests;

/// <summary>
/// Generators of syntactically valid ASTs (the ones the parser can produce). Bind markers are
/// generated as index 0 and renumbered by <see cref="BindMarkerNumbering"/>; names come from a
/// pool with reserved words, mixed case and quotes so the formatter's quoting is exercised.
/// </summary>
internal static class AstGenerators
{
    private static readonly string[] NamePool =
        ["id", "ts", "value", "ttl", "count", "key", "text", "a1_b", "Mixed Case", "select", "from", "distinct", "with\"quote", "token", "nan", "x"];

    private static readonly string[] KeyPool = ["class", "replication_factor", "dc1", "it's", "", "Mixed"];

    public static readonly Gen<string> Name = Gen.OneOf(NamePool);

    /// <summary>Between min and max distinct names.</summary>
    public static Gen<string[]> DistinctNames(int min, int max) =>
        Gen.Int[0, NamePool.Length - 1].Array[min, max].Select(ix => ix.Distinct().Select(i => NamePool[i]).ToArray());

    private static Gen<T?> Optional<T>(Gen<T> gen) where T : class
    {
        T? none = null;
        return Gen.Frequency((1, Gen.Const(none)), (2, gen.Select(x => (T?)x)));
    }

    private static readonly Gen<string> FloatText = Gen.Frequency(
        (2, Gen.OneOf("1.5", "-0.25", "2.5E-3", "1e10", "3.", "0.0", "NaN", "Infinity", "-Infinity")),
        (3, Gen.Double.Where(double.IsFinite).Select(d =>
        {
            string text = d.ToString("R", CultureInfo.InvariantCulture);
            return text.Contains('.') || text.Contains('E') ? text : text + ".0";
        })));

    public static readonly Gen<Literal> Constant = Gen.OneOf(
        Gen.Long.Select(Literal.Integer),
        FloatText.Select(Literal.Float),
        Gen.String.Select(Literal.String),
        Gen.Bool.Select(Literal.Boolean),
        Gen.Const(Literal.Null),
        Gen.Byte.Array[0, 6].Select(b => Literal.Hex(b)),
        Gen.Guid.Select(Literal.Uuid));

    public static readonly Gen<Term> Term = Gen.Frequency(
        (4, Constant.Select(l => (Term)l)),
        (1, Gen.Const((Term)new BindMarker(0))));

    private static Gen<Term> IntegerTerm(long min, long max) => Gen.Frequency(
        (3, Gen.Long[min, max].Select(v => (Term)Literal.Integer(v))),
        (1, Gen.Const((Term)new BindMarker(0))));

    private static readonly Gen<Term> Ttl = IntegerTerm(0, 630_720_000);
    private static readonly Gen<Term> Timestamp = IntegerTerm(long.MinValue, long.MaxValue);

    private static Gen<UsingClause> Using(bool allowTtl) =>
        Gen.Select(allowTtl ? Optional(Ttl) : Optional(Ttl).Select(_ => (Term?)null), Optional(Timestamp), (ttl, ts) => new UsingClause(ttl, ts));

    private static readonly Gen<QualifiedName> TableName = Gen.Select(Optional(Name), Name, (ks, t) => new QualifiedName(ks, t));

    private static readonly Gen<RelationOperator> Comparison = Gen.OneOf(
        RelationOperator.Equal, RelationOperator.LessThan, RelationOperator.LessThanOrEqual, RelationOperator.GreaterThan, RelationOperator.GreaterThanOrEqual);

    private static readonly Gen<Restriction> Restriction = Gen.OneOf(
        Gen.Select(Name, Comparison, Term, (c, op, v) => new Restriction(new ColumnTarget(c), op, [v])),
        Gen.Select(Name, Term.Array[0, 3], (c, vs) => new Restriction(new ColumnTarget(c), RelationOperator.In, new ValueList<Term>(vs))),
        Gen.Select(DistinctNames(1, 3), Comparison, Gen.OneOf(Term, Term.Array[1, 2].Select(a => (Term)new FunctionCall("token", new ValueList<Term>(a)))),
            (cs, op, v) => new Restriction(new TokenTarget(new ValueList<string>(cs)), op, [v])));

    private static Gen<ValueList<Restriction>> Where(int min) => Restriction.Array[min, 3].Select(a => new ValueList<Restriction>(a));

    private static readonly Gen<PropertyValue> PropertyValue = Gen.OneOf(
        Constant.Select(l => (PropertyValue)new ConstantPropertyValue(l)),
        Map.Select(m => (PropertyValue)m));

    private static Gen<MapPropertyValue> Map =>
        Gen.Select(Gen.Int[0, KeyPool.Length - 1].Array[0, 4], Constant.Array[4], (keys, values) =>
            new MapPropertyValue(new ValueList<MapEntry>(keys.Distinct().Select((k, i) => new MapEntry(KeyPool[k], values[i])))));

    private static Gen<ValueList<PropertyAssignment>> Properties(int max, params string[] excluded) =>
        Gen.Select(DistinctNames(0, max), PropertyValue.Array[max], (names, values) => new ValueList<PropertyAssignment>(
            names.Where(n => !excluded.Contains(n)).Select((n, i) => new PropertyAssignment(n, values[i]))));

    private static readonly Gen<CqlStatement> CreateKeyspace =
        Gen.Select(Name, Gen.Bool, Map, Properties(2, "replication"), (ks, ifNot, replication, more) =>
            (CqlStatement)new CreateKeyspaceStatement(ks, ifNot, new ValueList<PropertyAssignment>(more.Prepend(new PropertyAssignment("replication", replication)))));

    private static readonly Gen<CqlStatement> CreateTable =
        Gen.Select(TableName, Gen.Bool, DistinctNames(1, 6), Gen.Enum<ColumnType>().Array[6], Gen.Int[0, 10], Gen.Int[0, 10], Gen.Bool.Array[6], Properties(3))
            .Select((table, ifNot, names, types, p, c, desc, properties) =>
            {
                int partition = 1 + p % names.Length;
                int clustering = c % (names.Length - partition + 1);
                var clusteringColumns = names.Skip(partition).Take(clustering).ToArray();
                int ordered = clustering == 0 ? 0 : c % (clustering + 1);
                return (CqlStatement)new CreateTableStatement(
                    table, ifNot,
                    new ValueList<ColumnDeclaration>(names.Select((n, i) => new ColumnDeclaration(n, types[i]))),
                    new PrimaryKeyDefinition(new ValueList<string>(names.Take(partition)), new ValueList<string>(clusteringColumns)),
                    new ValueList<ClusteringOrderEntry>(clusteringColumns.Take(ordered).Select((n, i) => new ClusteringOrderEntry(n, desc[i] ? ClusteringOrder.Desc : ClusteringOrder.Asc))),
                    properties);
            });

    private static readonly Gen<ModificationStatement> Insert =
        Gen.Select(TableName, DistinctNames(1, 4), Term.Array[4], Using(allowTtl: true), (t, cols, values, u) =>
            (ModificationStatement)new InsertStatement(t, new ValueList<string>(cols), new ValueList<Term>(values.Take(cols.Length)), u));

    private static readonly Gen<ModificationStatement> Update =
        Gen.Select(TableName, Using(allowTtl: true), DistinctNames(1, 3), Term.Array[3], Where(1), (t, u, cols, values, where) =>
            (ModificationStatement)new UpdateStatement(t, u, new ValueList<Assignment>(cols.Select((c, i) => new Assignment(c, values[i]))), where));

    private static readonly Gen<ModificationStatement> Delete =
        Gen.Select(DistinctNames(0, 3), TableName, Using(allowTtl: false), Where(1), (cols, t, u, where) =>
            (ModificationStatement)new DeleteStatement(new ValueList<string>(cols), t, u, where));

    private static readonly Gen<ModificationStatement> Modification = Gen.OneOf(Insert, Update, Delete);

    private static readonly Gen<CqlStatement> Batch =
        Gen.Select(Gen.OneOf(BatchKind.Logged, BatchKind.Unlogged), Using(allowTtl: false), Modification.Array[0, 3], (kind, u, statements) =>
            (CqlStatement)new BatchStatement(kind, u, new ValueList<ModificationStatement>(
                u.Timestamp is null ? statements : statements.Select(s => s with { Using = s.Using with { Timestamp = null } }))));

    private static readonly Gen<SelectorItem> SelectorItem = Gen.Select(
        Gen.OneOf(
            Name.Select(n => (Selector)new ColumnSelector(n)),
            Gen.Const((Selector)CountSelector.Instance),
            Gen.Select(Gen.Enum<AggregateFunction>(), Name, (f, c) => (Selector)new AggregateSelector(f, c)),
            DistinctNames(1, 2).Select(n => (Selector)new TokenSelector(new ValueList<string>(n)))),
        Optional(Name),
        (s, alias) => new SelectorItem(s, alias));

    private static readonly Gen<CqlStatement> Select =
        Gen.Select(Gen.Select(SelectorItem.Array[0, 3], TableName, Where(0), DistinctNames(0, 2), Gen.Bool.Array[2], Optional(IntegerTerm(1, int.MaxValue)), Gen.Bool),
                Optional(DistinctNames(1, 2)), Gen.Bool, Optional(IntegerTerm(1, int.MaxValue)), (s, groupBy, partial, perPartition) => (s, groupBy, partial, perPartition))
            .Select(x => (CqlStatement)new SelectStatement(
                new ValueList<SelectorItem>(x.s.Item1), x.s.Item2, x.s.Item3,
                new ValueList<Ordering>(x.s.Item4.Select((c, i) => new Ordering(c, x.s.Item5[i] ? ClusteringOrder.Desc : ClusteringOrder.Asc))),
                x.s.Item6, x.s.Item7, x.groupBy is null ? null : new ValueList<string>(x.groupBy), x.partial) { PerPartitionLimit = x.perPartition });

    public static readonly Gen<CqlStatement> Statement = Gen.OneOf(
        CreateKeyspace,
        Gen.Select(Name, Gen.Bool, (ks, ifExists) => (CqlStatement)new DropKeyspaceStatement(ks, ifExists)),
        Name.Select(ks => (CqlStatement)new UseStatement(ks)),
        CreateTable,
        Gen.Select(TableName, Gen.Bool, (t, ifExists) => (CqlStatement)new DropTableStatement(t, ifExists)),
        TableName.Select(t => (CqlStatement)new TruncateStatement(t)),
        Gen.Select(Gen.OneOf(Gen.Const((string?)null), Name.Select(n => (string?)n), Gen.OneOf("on", "index").Select(n => (string?)n)), TableName, Name, Gen.Bool,
            (name, t, column, ifNot) => (CqlStatement)new CreateIndexStatement(name, t, column, ifNot)),
        Gen.Select(TableName, Gen.Bool, (name, ifExists) => (CqlStatement)new DropIndexStatement(name, ifExists)),
        Modification.Select(m => (CqlStatement)m),
        Batch,
        Select);
}
