using RingStore.Client.Protos;

namespace RingStore.Cli.Shell;

/// <summary>Consistency levels as CQL spells them (LOCAL_QUORUM), to and from the API enum.</summary>
public static class ConsistencyNames
{
    private static readonly (string Name, Consistency Level)[] Levels =
    [
        ("ANY", Consistency.Any), ("ONE", Consistency.One), ("TWO", Consistency.Two), ("THREE", Consistency.Three),
        ("QUORUM", Consistency.Quorum), ("ALL", Consistency.All), ("LOCAL_QUORUM", Consistency.LocalQuorum),
        ("EACH_QUORUM", Consistency.EachQuorum), ("LOCAL_ONE", Consistency.LocalOne),
    ];

    public static IEnumerable<string> All => Levels.Select(l => l.Name);

    public static bool TryParse(string text, out Consistency level)
    {
        foreach (var (name, value) in Levels)
        {
            if (string.Equals(name, text?.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                level = value;
                return true;
            }
        }
        level = Consistency.Default;
        return false;
    }

    public static string Name(Consistency level) =>
        Levels.FirstOrDefault(l => l.Level == level).Name ?? level.ToString().ToUpperInvariant();
}
