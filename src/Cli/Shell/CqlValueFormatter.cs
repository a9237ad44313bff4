using System.Globalization;

namespace RingStore.Cli.Shell;

/// <summary>
/// Values as cqlsh shows them: text plain (control characters escaped: <c>\n</c>, <c>\x07</c>), blobs 0x..., timestamps <c>2026-11-23 10:00:00.000000+0000</c> (UTC),
/// uuids canonical, booleans True/False, doubles with up to 12 significant digits, null as <c>null</c>.
/// </summary>
public static class CqlValueFormatter
{
    public static string Format(object? value) => value switch
    {
        null => "null",
        string s => ShellText.EscapeControl(s),
        long l => l.ToString(CultureInfo.InvariantCulture),
        int i => i.ToString(CultureInfo.InvariantCulture),
        bool b => b ? "True" : "False",
        double d => FormatDouble(d),
        byte[] bytes => "0x" + Convert.ToHexStringLower(bytes),
        DateTimeOffset t => t.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture) + "+0000",
        Guid g => g.ToString("D"),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>Numbers are right-aligned in result tables, everything else left-aligned.</summary>
    public static bool IsNumeric(object? value) => value is long or int or double;

    private static string FormatDouble(double d)
    {
        if (double.IsNaN(d)) return "NaN";
        if (double.IsPositiveInfinity(d)) return "Infinity";
        if (double.IsNegativeInfinity(d)) return "-Infinity";
        // %.12g as cqlsh's double_precision: "20.5", "1e+20", "1.23456789012e-07".
        string text = d.ToString("G12", CultureInfo.InvariantCulture);
        int e = text.IndexOf('E', StringComparison.Ordinal);
        if (e < 0) return text;
        string mantissa = text[..e];
        string exponent = text[(e + 1)..];
        char sign = exponent[0] == '-' ? '-' : '+';
        string digits = exponent.TrimStart('+', '-').PadLeft(2, '0');
        return $"{mantissa}e{sign}{digits}";
    }
}
