using RingStore.Cql.Ast;

namespace RingStore.Cql.Tests;

/// <summary>
/// Renumbers the bind markers of a generated AST in the order the formatter prints them (which is
/// the order the parser numbers them), so generated ASTs can be compared with parsed ones.
/// </summary>
internal sealed class BindMarkerNumbering
{
    private int _next;

    public static CqlStatement Renumber(CqlStatement statement) => new BindMarkerNumbering().Statement(statement);

    private CqlStatement Statement(CqlStatement statement) => statement switch
    {
        ModificationStatement m => Modification(m),
        BatchStatement b => RenumberBatch(b),
        SelectStatement s => RenumberSelect(s),
        _ => statement,
    };

    private BatchStatement RenumberBatch(BatchStatement b)
    {
        var u = Using(b.Using);
        return b with { Using = u, Statements = new ValueList<ModificationStatement>(b.Statements.Select(Modification).ToList()) };
    }

    private SelectStatement RenumberSelect(SelectStatement s)
    {
        var where = Where(s.Where);
        var perPartition = s.PerPartitionLimit is null ? null : Term(s.PerPartitionLimit);
        return s with { Where = where, PerPartitionLimit = perPartition, Limit = s.Limit is null ? null : Term(s.Limit) };
    }

    private ModificationStatement Modification(ModificationStatement m)
    {
        switch (m)
        {
            case InsertStatement i:
            {
                var values = Terms(i.Values);
                return i with { Values = values, Using = Using(i.Using) };
            }
            case UpdateStatement u:
            {
                var usingClause = Using(u.Using);
                var assignments = new ValueList<Assignment>(u.Assignments.Select(a => a with { Value = Term(a.Value) }).ToList());
                return u with { Using = usingClause, Assignments = assignments, Where = Where(u.Where) };
            }
            case DeleteStatement d:
            {
                var usingClause = Using(d.Using);
                return d with { Using = usingClause, Where = Where(d.Where) };
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(m));
        }
    }

    // The formatter prints TTL before TIMESTAMP, so number them in that order.
    private UsingClause Using(UsingClause u)
    {
        var ttl = u.TimeToLive is null ? null : Term(u.TimeToLive);
        var ts = u.Timestamp is null ? null : Term(u.Timestamp);
        return new UsingClause(ttl, ts);
    }

    private ValueList<Restriction> Where(ValueList<Restriction> where) =>
        new(where.Select(r => r with { Values = Terms(r.Values) }).ToList());

    private ValueList<Term> Terms(ValueList<Term> terms) => new(terms.Select(Term).ToList());

    private Term Term(Term term) => term switch
    {
        BindMarker => new BindMarker(_next++),
        FunctionCall call => call with { Arguments = Terms(call.Arguments) },
        _ => term,
    };
}
