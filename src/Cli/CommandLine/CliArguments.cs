using System.Globalization;

namespace RingStore.Cli.CommandLine;

/// <summary>
/// A sub-command's arguments split into options with values (<c>--dir PATH</c>, <c>--dir=PATH</c>), flags
/// (<c>--detach</c>) and positionals, checked against what the command accepts. A lone <c>-</c> is a positional
/// (standard input), and everything after <c>--</c> is positional too.
/// </summary>
public sealed class CliArguments
{
    private readonly Dictionary<string, string> _options = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);

    private CliArguments() { }

    public IReadOnlyList<string> Positionals { get; private set; } = [];

    /// <param name="args">The arguments after the sub-command name.</param>
    /// <param name="valueOptions">Options that take a value, with their short aliases (e.g. "-e" for "--execute").</param>
    /// <param name="flags">Options without a value.</param>
    public static CliArguments Parse(IReadOnlyList<string> args, IReadOnlyCollection<string> valueOptions, IReadOnlyCollection<string> flags)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(valueOptions);
        ArgumentNullException.ThrowIfNull(flags);
        var result = new CliArguments();
        var positionals = new List<string>();
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (arg == "--")
            {
                positionals.AddRange(args.Skip(i + 1));
                break;
            }
            if (arg.Length < 2 || arg[0] != '-' || IsNegativeNumber(arg))
            {
                positionals.Add(arg);
                continue;
            }
            string name = arg;
            string? inline = null;
            int eq = arg.IndexOf('=', StringComparison.Ordinal);
            if (arg.StartsWith("--", StringComparison.Ordinal) && eq > 0)
            {
                name = arg[..eq];
                inline = arg[(eq + 1)..];
            }
            if (flags.Contains(name))
            {
                if (inline is not null) throw new UsageException($"{name} takes no value");
                result._flags.Add(name);
            }
            else if (valueOptions.Contains(name))
            {
                string value = inline ?? (i + 1 < args.Count ? args[++i] : throw new UsageException($"{name} needs a value"));
                result._options[name] = value;
            }
            else
            {
                throw new UsageException($"unknown option '{name}'");
            }
        }
        result.Positionals = positionals;
        return result;
    }

    public bool Has(string flag) => _flags.Contains(flag);

    public string? Get(string option) => _options.GetValueOrDefault(option);

    /// <summary>The value of the first of the given spellings that is present (e.g. "-e", "--execute").</summary>
    public string? Get(params string[] spellings) => spellings.Select(Get).FirstOrDefault(v => v is not null);

    public int GetInt(string option, int defaultValue, int min = int.MinValue, int max = int.MaxValue)
    {
        string? text = Get(option);
        if (text is null) return defaultValue;
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) || value < min || value > max)
            throw new UsageException($"{option} must be an integer from {min} to {max}, got '{text}'");
        return value;
    }

    public bool HasOption(string option) => _options.ContainsKey(option);

    private static bool IsNegativeNumber(string arg) => arg.Length > 1 && arg[0] == '-' && char.IsAsciiDigit(arg[1]);
}
