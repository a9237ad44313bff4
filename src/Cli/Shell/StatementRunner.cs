using System.Diagnostics;
using System.Globalization;
using RingStore.Client;
using RingStore.Client.Protos;

namespace RingStore.Cli.Shell;

/// <summary>
/// Runs one CQL statement through the SDK and prints its result: a table of rows (page by page with a
/// <c>---MORE---</c> prompt when interactive paging is on, else every page in one table), then the row count and,
/// with TIMING ON, the elapsed time. The node's warnings are printed as each page arrives. Errors propagate to the
/// caller, which prints them.
/// </summary>
public sealed class StatementRunner(RingStoreClient client, ShellSettings settings, TextWriter output, Func<bool>? askForMore,
    ShellWarningPrinter? warnings = null)
{
    /// <summary>Rows per request when the user is not paging: large pages, fewer round trips.</summary>
    private const int BulkPageSize = 5000;

    public async Task RunAsync(string cql, CancellationToken ct)
    {
        var stopwatch = Stopwatch.StartNew();
        bool interactivePaging = settings.PagingEnabled && askForMore is not null;
        var statement = new SimpleStatement(cql)
        {
            Consistency = settings.Consistency,
            PageSize = interactivePaging ? settings.PageSize : BulkPageSize,
        };
        var result = await client.ExecuteAsync(statement, ct).ConfigureAwait(false);
        warnings?.Print(result.Warnings);
        if (result.Kind != ExecuteResponse.Types.Kind.Rows)
        {
            PrintTiming(stopwatch);
            return;
        }

        var columns = result.Columns.Select(c => c.Name).ToList();
        var order = WildcardColumnOrder.For(cql, columns, client.Metadata.Schema, client.Keyspace);
        if (order is not null) columns = order.Select(i => columns[i]).ToList();
        var pending = new List<IReadOnlyList<ResultTableFormatter.Cell>>();
        long total = 0;
        while (true)
        {
            pending.AddRange(result.Rows.Select(r => Reorder(Cells(r), order)));
            var paging = result.PagingState;
            if (paging is null) break;
            if (interactivePaging)
            {
                Print(columns, pending, total);
                total += pending.Count;
                pending.Clear();
                if (!askForMore!()) break;
            }
            statement.PagingState = paging;
            result = await client.ExecuteAsync(statement, ct).ConfigureAwait(false);
            warnings?.Print(result.Warnings);
        }
        if (pending.Count > 0 || total == 0) Print(columns, pending, total);
        total += pending.Count;
        output.WriteLine();
        output.WriteLine(ResultTableFormatter.Footer(total));
        PrintTiming(stopwatch);
    }

    private void Print(IReadOnlyList<string> columns, IReadOnlyList<IReadOnlyList<ResultTableFormatter.Cell>> rows, long rowsBefore)
    {
        output.WriteLine();
        output.Write(settings.Expand
            ? ResultTableFormatter.Expanded(columns, rows, (int)Math.Min(int.MaxValue, rowsBefore + 1))
            : ResultTableFormatter.Tabular(columns, rows));
    }

    private void PrintTiming(Stopwatch stopwatch)
    {
        if (settings.Timing)
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Elapsed: {stopwatch.Elapsed.TotalMilliseconds:F1} ms"));
    }

    private static IReadOnlyList<ResultTableFormatter.Cell> Reorder(IReadOnlyList<ResultTableFormatter.Cell> cells, int[]? order) =>
        order is null ? cells : order.Select(i => cells[i]).ToArray();

    private static IReadOnlyList<ResultTableFormatter.Cell> Cells(Row row)
    {
        var cells = new ResultTableFormatter.Cell[row.Count];
        for (int i = 0; i < row.Count; i++)
        {
            object? value = row[i];
            cells[i] = new ResultTableFormatter.Cell(CqlValueFormatter.Format(value), CqlValueFormatter.IsNumeric(value));
        }
        return cells;
    }
}
