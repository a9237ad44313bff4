namespace RingStore.Bench;

/// <summary>Minimal `--name value` option reader for the bench commands.</summary>
public sealed class Args
{
    private readonly string[] _args;

    public Args(string[] args) => _args = args;

    public string? Get(string name)
    {
        int i = Array.IndexOf(_args, name);
        if (i < 0) return null;
        if (i + 1 >= _args.Length) throw new ArgumentException($"{name} needs a value");
        return _args[i + 1];
    }

    public int GetInt(string name, int fallback) =>
        Get(name) is { } v ? int.Parse(v, System.Globalization.CultureInfo.InvariantCulture) : fallback;

    public bool Has(string name) => _args.Contains(name);
}
