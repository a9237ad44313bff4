using System.Globalization;

namespace RingStore.Storage.SSTables;

/// <summary>
/// File naming: "rs-{generation}-{Component}.db" (TOC: "rs-{generation}-TOC.txt"); a file being
/// written carries an extra ".tmp" suffix until it is complete and fsynced.
/// </summary>
internal static class SSTableFileNames
{
    public const string Prefix = "rs-";
    public const string TempSuffix = ".tmp";

    /// <summary>Every component but the TOC, in the order they are written and listed in the TOC.</summary>
    public static readonly SSTableComponent[] DataComponents =
        [SSTableComponent.Data, SSTableComponent.Index, SSTableComponent.Summary, SSTableComponent.Filter, SSTableComponent.Statistics];

    public static string FileName(long generation, SSTableComponent component) =>
        component == SSTableComponent.Toc
            ? string.Create(CultureInfo.InvariantCulture, $"{Prefix}{generation}-TOC.txt")
            : string.Create(CultureInfo.InvariantCulture, $"{Prefix}{generation}-{component}.db");

    public static string PathOf(string directory, long generation, SSTableComponent component) =>
        Path.Combine(directory, FileName(generation, component));

    public static string TempPathOf(string directory, long generation, SSTableComponent component) =>
        PathOf(directory, generation, component) + TempSuffix;

    /// <summary>Parses a file name of this format; false for foreign files.</summary>
    public static bool TryParse(string fileName, out long generation, out SSTableComponent component, out bool isTemp)
    {
        generation = 0;
        component = default;
        isTemp = fileName.EndsWith(TempSuffix, StringComparison.Ordinal);
        string name = isTemp ? fileName[..^TempSuffix.Length] : fileName;
        if (!name.StartsWith(Prefix, StringComparison.Ordinal)) return false;
        int dash = name.IndexOf('-', Prefix.Length);
        if (dash < 0) return false;
        if (!long.TryParse(name.AsSpan(Prefix.Length, dash - Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out generation))
            return false;
        foreach (var c in Enum.GetValues<SSTableComponent>())
        {
            if (string.Equals(FileName(generation, c), name, StringComparison.Ordinal))
            {
                component = c;
                return true;
            }
        }
        return false;
    }
}
