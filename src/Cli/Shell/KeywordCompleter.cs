using RingStore.Cql;

namespace RingStore.Cli.Shell;

/// <summary>Tab completion: CQL keywords, shell commands, consistency levels, and names from the schema. Pure.</summary>
public static class KeywordCompleter
{
    /// <summary>
    /// The text to insert after <paramref name="word"/>: the whole rest when one candidate matches, else the
    /// candidates' common prefix beyond the word (empty when it adds nothing). Keywords keep the case the user typed.
    /// </summary>
    public static (string Insert, IReadOnlyList<string> Candidates) Complete(string word, IEnumerable<string> names)
    {
        ArgumentNullException.ThrowIfNull(word);
        ArgumentNullException.ThrowIfNull(names);
        if (word.Length == 0) return ("", []);
        bool lower = word.All(c => !char.IsLetter(c) || char.IsLower(c));
        var keywords = CqlKeywords.All.Concat(ShellDirective.Names).Concat(ConsistencyNames.All).Concat(["ON", "OFF", "KEYSPACES", "TABLES"])
            .Select(k => lower ? k.ToLowerInvariant() : k);
        return Extend(word, keywords.Concat(names), lower);
    }

    /// <summary>
    /// The candidates starting with <paramref name="word"/> (case-insensitively; keywords take the case of the word when
    /// <paramref name="lowerKeywords"/> is null) and what to insert: the rest of the only candidate plus a blank (none after
    /// a "ks." that goes on), or the common prefix beyond the word.
    /// </summary>
    public static (string Insert, IReadOnlyList<string> Candidates) Extend(string word, IEnumerable<string> all, bool? lowerKeywords = null)
    {
        ArgumentNullException.ThrowIfNull(word);
        ArgumentNullException.ThrowIfNull(all);
        bool lower = lowerKeywords ?? (word.Length > 0 && word.All(c => !char.IsLetter(c) || char.IsLower(c)));
        var candidates = all
            .Select(c => lower && c.All(ch => !char.IsLetter(ch) || char.IsUpper(ch)) && IsKeyword(c) ? c.ToLowerInvariant() : c)
            .Where(c => c.StartsWith(word, StringComparison.OrdinalIgnoreCase))
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (candidates.Count == 0) return ("", candidates);
        string prefix = candidates[0];
        foreach (var c in candidates.Skip(1))
        {
            int n = 0;
            while (n < prefix.Length && n < c.Length && char.ToLowerInvariant(prefix[n]) == char.ToLowerInvariant(c[n])) n++;
            prefix = prefix[..n];
        }
        string insert = prefix.Length > word.Length ? prefix[word.Length..] : "";
        if (candidates.Count == 1 && !candidates[0].EndsWith('.')) insert += " ";
        return (insert, candidates);
    }

    private static bool IsKeyword(string word) =>
        CqlKeywords.All.Contains(word, StringComparer.Ordinal) || ShellDirective.Names.Contains(word, StringComparer.OrdinalIgnoreCase)
        || ConsistencyNames.All.Contains(word, StringComparer.Ordinal) || word is "ON" or "OFF" or "KEYSPACES" or "TABLES" or "VERSION" or "HOST";
}
