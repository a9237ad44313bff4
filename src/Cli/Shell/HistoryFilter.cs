using System.Text.RegularExpressions;

namespace RingStore.Cli.Shell;

/// <summary>
/// Keeps credentials out of the shell history (~/.ringstore_history and Up-arrow recall): LOGIN lines and any
/// statement with the word PASSWORD (CREATE/ALTER ROLE or USER ... PASSWORD = '...') are not recorded at all.
/// Dropping the whole entry is cruder than masking the literal, but cannot be fooled by quoting. Pure.
/// </summary>
public static partial class HistoryFilter
{
    [GeneratedRegex(@"(^\s*LOGIN\b)|\bPASSWORD\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Secret();

    public static bool HoldsSecret(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        return Secret().IsMatch(line);
    }
}
