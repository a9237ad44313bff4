using System.Globalization;
using System.Text.RegularExpressions;

namespace RingStore.Cql;

/// <summary>
/// The ISO-8601 forms CQL accepts for timestamps: a date, optionally a time (T or space) with
/// minutes, seconds and up to 7 fraction digits, optionally a zone (Z, +hh, +hhmm, +hh:mm).
/// Without a zone the time is UTC (Cassandra would use the coordinator's zone, which makes the
/// same statement mean different instants on different nodes).
/// </summary>
internal static partial class TimestampText
{
    [GeneratedRegex(@"^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$",
        RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex Pattern();

    public static bool TryParse(string text, out DateTimeOffset value)
    {
        value = default;
        var m = Pattern().Match(text.Trim());
        if (!m.Success) return false;
        int year = Int(m, 1), month = Int(m, 2), day = Int(m, 3);
        int hour = Int(m, 4), minute = Int(m, 5), second = Int(m, 6);
        string fraction = m.Groups[7].Value;
        long fractionTicks = fraction.Length == 0 ? 0 : long.Parse(fraction.PadRight(7, '0'), CultureInfo.InvariantCulture);
        if (!TryOffset(m.Groups[8].Value, out var offset)) return false;
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)) return false;
        if (hour > 23 || minute > 59 || second > 59) return false;
        try
        {
            var local = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified).AddTicks(fractionTicks);
            value = new DateTimeOffset(local, offset).ToUniversalTime();
            return true;
        }
        catch (ArgumentOutOfRangeException)
        {
            return false; // e.g. 0001-01-01T00:00+01:00 falls before year 1 in UTC
        }
    }

    private static int Int(Match m, int group) =>
        m.Groups[group].Success ? int.Parse(m.Groups[group].Value, CultureInfo.InvariantCulture) : 0;

    private static bool TryOffset(string zone, out TimeSpan offset)
    {
        offset = TimeSpan.Zero;
        if (zone.Length == 0 || zone is "Z" or "z") return true;
        int sign = zone[0] == '-' ? -1 : 1;
        string digits = zone[1..].Replace(":", "", StringComparison.Ordinal);
        int hours = int.Parse(digits[..2], CultureInfo.InvariantCulture);
        int minutes = digits.Length > 2 ? int.Parse(digits[2..], CultureInfo.InvariantCulture) : 0;
        if (hours > 14 || minutes > 59) return false;
        offset = new TimeSpan(sign * hours, sign * minutes, 0);
        return true;
    }
}
