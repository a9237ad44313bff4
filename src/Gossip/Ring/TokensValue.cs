using System.Globalization;
using RingStore.Core.Partitioning;

namespace RingStore.Gossip.Ring;

/// <summary>The TOKENS application state's value: decimal tokens separated by commas.</summary>
public static class TokensValue
{
    public static string Format(IEnumerable<Token> tokens) =>
        string.Join(',', tokens.Select(t => t.Value.ToString(CultureInfo.InvariantCulture)));

    public static IReadOnlyList<Token> Parse(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return [];
        }
        return [.. value.Split(',').Select(s => new Token(long.Parse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture)))];
    }
}
