using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using RingStore.Node.Hosting;

namespace RingStore.Node.Tests.Hosting;

/// <summary>
/// docs/DEPLOY.md lists every node option (table row and sample file, made by scripts/node-options.py) and every
/// switch, and its sample file binds to exactly the defaults: the guide cannot silently fall behind NodeOptions.
/// </summary>
public sealed partial class DeployGuideTests
{
    private static readonly string Guide = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "DEPLOY.md"));

    private static IEnumerable<PropertyInfo> Settable() =>
        typeof(NodeOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite);

    [Fact]
    public void Every_option_and_switch_is_in_the_guide()
    {
        var missing = Settable().Select(p => p.Name).Where(name => !Guide.Contains($"| `{name}` |", StringComparison.Ordinal)).ToList();
        Assert.True(missing.Count == 0, $"docs/DEPLOY.md lacks {string.Join(", ", missing)}: run scripts/node-options.py table");
        var switches = NodeCommandLine.SwitchMappings.Keys.Where(s => !Guide.Contains($"`{s}`", StringComparison.Ordinal)).ToList();
        Assert.True(switches.Count == 0, $"docs/DEPLOY.md lacks the switches {string.Join(", ", switches)}");
    }

    [Fact]
    public void The_sample_file_holds_every_option_at_its_default()
    {
        var match = SampleFile().Match(Guide);
        Assert.True(match.Success, "no sample file (the JSON block after \"The same options with their defaults\")");
        var configuration = new ConfigurationBuilder().AddJsonStream(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(match.Groups[1].Value))).Build();
        var section = configuration.GetSection(NodeOptions.SectionName);
        var bound = new NodeOptions();
        section.Bind(bound);
        var defaults = new NodeOptions();
        foreach (var property in Settable())
        {
            Assert.True(section.GetSection(property.Name).Exists(), $"the sample file lacks {property.Name}: run scripts/node-options.py json");
            Assert.True(Equals(property.GetValue(defaults), property.GetValue(bound)),
                $"{property.Name}: the sample file says {property.GetValue(bound)}, the default is {property.GetValue(defaults)}");
        }
    }

    [GeneratedRegex(@"The same options with their defaults[^\n]*\n```json\n(.*?)\n```", RegexOptions.Singleline)]
    private static partial Regex SampleFile();

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "RingStore.sln"))) return dir.FullName;
        }
        throw new FileNotFoundException("RingStore.sln not found above " + AppContext.BaseDirectory);
    }
}
