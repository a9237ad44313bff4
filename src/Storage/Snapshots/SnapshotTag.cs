using System.Globalization;

namespace RingStore.Storage.Snapshots;

/// <summary>
/// Snapshot names: a tag is a folder name under every table's <c>snapshots/</c>, so it must be one safe path segment.
/// Automatic snapshots are named as Cassandra names them (<c>truncated-&lt;ms&gt;-&lt;table&gt;</c>,
/// <c>dropped-&lt;ms&gt;-&lt;table&gt;</c>), and an unnamed manual snapshot gets the time in milliseconds.
/// </summary>
public static class SnapshotTag
{
    public const int MaxLength = 200;

    /// <summary>Throws <see cref="ArgumentException"/> unless the tag is 1-200 of A-Z a-z 0-9 . _ - and not "." or "..".</summary>
    public static string Validate(string? tag)
    {
        if (string.IsNullOrEmpty(tag)) throw new ArgumentException("A snapshot tag may not be empty.", nameof(tag));
        if (tag.Length > MaxLength) throw new ArgumentException($"A snapshot tag is at most {MaxLength} characters, got {tag.Length}.", nameof(tag));
        if (tag is "." or "..") throw new ArgumentException($"'{tag}' is not a snapshot tag.", nameof(tag));
        foreach (char c in tag)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '_' or '-'))
                throw new ArgumentException($"Snapshot tag '{tag}' has '{c}': use letters, digits, '.', '_' and '-'.", nameof(tag));
        }
        return tag;
    }

    /// <summary>The default tag of <c>ringstore snapshot</c> without --tag: the time in Unix milliseconds.</summary>
    public static string FromTime(DateTimeOffset now) => now.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);

    public static string Truncated(DateTimeOffset now, string table) => Auto("truncated", now, table);

    public static string Dropped(DateTimeOffset now, string table) => Auto("dropped", now, table);

    private static string Auto(string what, DateTimeOffset now, string table) =>
        string.Create(CultureInfo.InvariantCulture, $"{what}-{now.ToUnixTimeMilliseconds()}-{table}");
}
