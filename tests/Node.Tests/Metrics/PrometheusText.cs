using System.Globalization;
using System.Text.RegularExpressions;

namespace RingStore.Node.Tests.Metrics;

/// <summary>
/// Just enough of the Prometheus text exposition format to check what a node serves: each family's TYPE and its
/// samples (name, labels, value). Strict where it matters for a scraper: a sample line that does not parse throws.
/// </summary>
public sealed partial class PrometheusText
{
    public sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

    public Dictionary<string, string> Types { get; } = new(StringComparer.Ordinal);
    public List<Sample> Samples { get; } = [];

    public static PrometheusText Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parsed = new PrometheusText();
        foreach (string raw in text.Split('\n'))
        {
            string line = raw.TrimEnd('\r');
            if (line.Length == 0) continue;
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line["# TYPE ".Length..].Split(' ');
                parsed.Types[parts[0]] = parts[1];
                continue;
            }
            if (line.StartsWith('#')) continue;
            var m = SampleLine().Match(line);
            if (!m.Success) throw new FormatException($"not a Prometheus sample line: {line}");
            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (Match l in Label().Matches(m.Groups["labels"].Value)) labels[l.Groups[1].Value] = l.Groups[2].Value;
            string value = m.Groups["value"].Value;
            parsed.Samples.Add(new Sample(m.Groups["name"].Value, labels, value switch
            {
                "+Inf" => double.PositiveInfinity,
                "-Inf" => double.NegativeInfinity,
                "NaN" => double.NaN,
                _ => double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture),
            }));
        }
        return parsed;
    }

    public IEnumerable<Sample> Named(string name) => Samples.Where(s => s.Name == name);

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})? (?<value>\S+)( \d+)?$""")]
    private static partial Regex SampleLine();

    [GeneratedRegex("""([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?""")]
    private static partial Regex Label();
}
