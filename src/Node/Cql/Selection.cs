using RingStore.Client.Protos;
using RingStore.Core.Data;
using RingStore.Core.Errors;
using RingStore.Core.Partitioning;
using RingStore.Core.Schema;
using RingStore.Core.Values;
using RingStore.Cql.Ast;
using RingStore.Node.Api;
using ProtoColumnType = RingStore.Client.Protos.ColumnType;

namespace RingStore.Node.Cql;

/// <summary>
/// What a SELECT returns per row: <c>*</c> (partition key, clustering, regular columns in schema order), a column
/// list, <c>token(pk...)</c> as bigint "system.token(pk)", or <c>COUNT(*)</c> as one bigint "count" — each with
/// an optional alias.
/// </summary>
public sealed class Selection
{
    private readonly TableSchema _table;
    private readonly IReadOnlyList<(ColumnRef? Column, bool IsToken)> _items;

    private Selection(TableSchema table, IReadOnlyList<ColumnDef> columns, IReadOnlyList<(ColumnRef?, bool)> items, bool isCount, bool isWildcard)
    {
        _table = table;
        Columns = columns;
        _items = items;
        IsCount = isCount;
        IsWildcard = isWildcard;
    }

    public IReadOnlyList<ColumnDef> Columns { get; }

    public bool IsCount { get; }

    public bool IsWildcard { get; }

    public static Selection Build(TableSchema table, SelectStatement select)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(select);
        if (select.IsWildcard) return new Selection(table, ResultRowBuilder.Columns(table), [], false, true);
        bool hasCount = select.Selectors.Any(s => s.Selector is CountSelector);
        if (hasCount && select.Selectors.Count > 1)
            throw new InvalidRequestException("COUNT(*) cannot be selected together with other columns or functions");
        if (hasCount)
            return new Selection(table, [new ColumnDef { Name = select.Selectors[0].Alias ?? "count", Type = ProtoColumnType.Bigint }], [], true, false);

        var columns = new List<ColumnDef>();
        var items = new List<(ColumnRef?, bool)>();
        foreach (var item in select.Selectors)
        {
            switch (item.Selector)
            {
                case ColumnSelector c:
                    var column = ColumnRef.Resolve(table, c.Column);
                    columns.Add(new ColumnDef
                    {
                        Name = item.Alias ?? column.Name,
                        Type = (ProtoColumnType)column.Type,
                        Descending = column.Kind == ColumnKind.Clustering && table.Clustering[column.Index].Order == ClusteringOrder.Desc,
                    });
                    items.Add((column, false));
                    break;
                case TokenSelector t:
                    WhereClause.CheckTokenColumns(table, t.Columns);
                    columns.Add(new ColumnDef { Name = item.Alias ?? $"system.token({string.Join(", ", t.Columns)})", Type = ProtoColumnType.Bigint });
                    items.Add((null, true));
                    break;
                default:
                    throw new InvalidRequestException($"Unsupported selector {item.Selector}");
            }
        }
        return new Selection(table, columns, items, false, false);
    }

    /// <summary>One result row for a live row of the partition with these key values and token.</summary>
    public ResultRow Project(object[] partitionKey, Token token, Row row)
    {
        ArgumentNullException.ThrowIfNull(row);
        if (IsWildcard) return ResultRowBuilder.Build(_table, partitionKey, row);
        var clustering = ClusteringKeyCodec.Decode(_table.Clustering, row.Clustering);
        var result = new ResultRow();
        foreach (var (column, isToken) in _items)
        {
            if (isToken)
            {
                result.Values.Add(new Client.Protos.Value { Bigint = token.Value });
                continue;
            }
            object? value = column!.Kind switch
            {
                ColumnKind.PartitionKey => partitionKey[column.Index],
                ColumnKind.Clustering => column.Index < clustering.Length ? clustering[column.Index] : null,
                _ => row.CellFor(column.Index) is { Value: not null } cell ? ValueCodec.Deserialize(column.Type, cell.Value) : null,
            };
            result.Values.Add(ValueConverter.FromClr(column.Type, value));
        }
        return result;
    }
}
