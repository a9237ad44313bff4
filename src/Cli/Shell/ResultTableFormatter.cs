using System.Globalization;
using System.Text;

namespace RingStore.Cli.Shell;

/// <summary>
/// Result rows as text, the way cqlsh prints them. Tabular:
/// <code>
///  sensor | day        | value
/// --------+------------+-------
///       1 | 2026-11-23 |  20.5
/// </code>
/// Expanded (EXPAND ON): one <c>@ Row n</c> block per row with a name | value line per column.
/// Pure: takes column names and already formatted cells.
/// </summary>
public static class ResultTableFormatter
{
    /// <summary>One formatted cell: its text and whether to right-align it (numbers).</summary>
    public readonly record struct Cell(string Text, bool RightAligned);

    public static string Tabular(IReadOnlyList<string> columns, IReadOnlyList<IReadOnlyList<Cell>> rows)
    {
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(rows);
        var widths = columns.Select(c => DisplayWidth(c)).ToArray();
        foreach (var row in rows)
            for (int i = 0; i < widths.Length && i < row.Count; i++) widths[i] = Math.Max(widths[i], DisplayWidth(row[i].Text));

        var sb = new StringBuilder();
        sb.Append(' ').AppendJoin(" | ", columns.Select((c, i) => Pad(c, widths[i], right: false))).TrimEndSpaces().Append('\n');
        sb.Append('-').AppendJoin("-+-", widths.Select(w => new string('-', w))).Append("-\n");
        foreach (var row in rows)
        {
            sb.Append(' ').AppendJoin(" | ", row.Select((cell, i) => Pad(OneLine(cell.Text), widths[i], cell.RightAligned))).TrimEndSpaces().Append('\n');
        }
        return sb.ToString();
    }

    public static string Expanded(IReadOnlyList<string> columns, IReadOnlyList<IReadOnlyList<Cell>> rows, int firstRowNumber = 1)
    {
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(rows);
        int nameWidth = columns.Count == 0 ? 0 : columns.Max(DisplayWidth);
        var sb = new StringBuilder();
        for (int r = 0; r < rows.Count; r++)
        {
            int valueWidth = rows[r].Count == 0 ? 0 : rows[r].Max(c => DisplayWidth(OneLine(c.Text)));
            if (r > 0) sb.Append('\n');
            sb.Append("@ Row ").Append((firstRowNumber + r).ToString(CultureInfo.InvariantCulture)).Append('\n');
            sb.Append('-').Append(new string('-', nameWidth)).Append("-+-").Append(new string('-', valueWidth)).Append("-\n");
            for (int i = 0; i < columns.Count && i < rows[r].Count; i++)
                sb.Append(' ').Append(Pad(columns[i], nameWidth, right: false)).Append(" | ").Append(OneLine(rows[r][i].Text)).TrimEndSpaces().Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>The footer cqlsh prints after a result: <c>(1 rows)</c> is what cqlsh says, so we say it too.</summary>
    public static string Footer(long rowCount) => $"({rowCount.ToString(CultureInfo.InvariantCulture)} rows)";

    private static string Pad(string text, int width, bool right)
    {
        int pad = Math.Max(0, width - DisplayWidth(text));
        return right ? new string(' ', pad) + text : text + new string(' ', pad);
    }

    // A newline inside a value would break the table's columns; show it escaped as cqlsh does.
    private static string OneLine(string text) => text.Replace("\n", "\\n", StringComparison.Ordinal).Replace("\r", "\\r", StringComparison.Ordinal);

    private static int DisplayWidth(string text) => new StringInfo(text).LengthInTextElements;

    private static StringBuilder TrimEndSpaces(this StringBuilder sb)
    {
        int end = sb.Length;
        while (end > 0 && sb[end - 1] == ' ') end--;
        sb.Length = end;
        return sb;
    }
}
