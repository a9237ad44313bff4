using System.Text.RegularExpressions;

namespace RingStore.Architecture.Tests;

/// <summary>
/// Every project under src/ (Storage, Node, Client, Gossip, Core, Cql, and any new one) reads time and randomness only
/// through an injected TimeProvider and a seeded Random, so a whole node can run on virtual time in a deterministic
/// simulation. This scans their sources for the ambient clock and the shared random; a use outside
/// <see cref="Allowed"/> fails. To add one, add it to the list with the reason.
/// </summary>
public sealed partial class ClockRulesTests
{
    /// <summary>
    /// Not scanned: they start, poll and stop real OS processes over real gRPC and print wall-clock timings; a
    /// simulation runs nodes in one process instead, so they never run on virtual time.
    /// </summary>
    private static readonly string[] ExemptFolders = ["Cli", "LocalCluster"];

    private static IEnumerable<string> Folders() =>
        Directory.EnumerateDirectories(Path.Combine(RepositoryRoot, "src"))
            .Where(d => !ExemptFolders.Contains(Path.GetFileName(d), StringComparer.Ordinal));

    private static readonly (string Name, Regex Pattern)[] Forbidden =
    [
        ("Stopwatch", StopwatchPattern()),
        ("DateTime.UtcNow/Now", DateTimeNowPattern()),
        ("DateTimeOffset.UtcNow/Now", DateTimeOffsetNowPattern()),
        ("Environment.TickCount", TickCountPattern()),
        ("Thread.Sleep", ThreadSleepPattern()),
        ("Random.Shared", SharedRandomPattern()),
        ("new Random() without a seed", UnseededRandomPattern()),
    ];

    /// <summary>(file relative to the repository, forbidden name) -> why it may stay.</summary>
    private static readonly Dictionary<(string File, string Name), string> Allowed = new()
    {
        // A native-protocol socket's drain bound at close (the native work is in progress elsewhere; it waits on a
        // SemaphoreSlim timeout, which is wall time anyway). Move to the node's clock when the listener gets one.
        [("src/Node/Native/NativeConnection.cs", "DateTime.UtcNow/Now")] = "socket drain bound at close",
    };

    [Fact]
    public void Source_reads_no_ambient_clock_or_shared_random()
    {
        var violations = Uses().Where(u => !Allowed.ContainsKey((u.File, u.Name)))
            .Select(u => $"{u.File}:{u.Line}: {u.Name} (inject TimeProvider / a seeded Random, or allow-list it with a reason)")
            .ToList();
        Assert.True(violations.Count == 0, string.Join(Environment.NewLine, violations));
    }

    [Fact]
    public void Every_allow_list_entry_is_still_needed()
    {
        var used = Uses().Select(u => (u.File, u.Name)).ToHashSet();
        var stale = Allowed.Keys.Where(k => !used.Contains(k)).Select(k => $"{k.File}: {k.Name}").ToList();
        Assert.True(stale.Count == 0, "remove from the allow-list: " + string.Join(", ", stale));
    }

    [Fact]
    public void The_scan_sees_a_forbidden_use() // guards the scanner itself against matching nothing
    {
        Assert.Contains(Forbidden, f => f.Pattern.IsMatch("long t = Stopwatch.GetTimestamp();"));
        Assert.Contains(Forbidden, f => f.Pattern.IsMatch("var now = DateTime.UtcNow;"));
        Assert.DoesNotContain(Forbidden, f => f.Pattern.IsMatch(StripComment("var now = time.GetUtcNow(); // not DateTime.UtcNow")));
        Assert.DoesNotContain(Forbidden, f => f.Pattern.IsMatch("var r = new Random(seed);"));
        Assert.NotEmpty(SourceFiles());
        foreach (var project in new[] { "Storage", "Node", "Client", "Gossip" })
            Assert.Contains(Folders(), f => Path.GetFileName(f) == project);
    }

    private static IEnumerable<(string File, int Line, string Name)> Uses()
    {
        foreach (var path in SourceFiles())
        {
            string file = Path.GetRelativePath(RepositoryRoot, path).Replace('\\', '/');
            var lines = File.ReadAllLines(path);
            for (int i = 0; i < lines.Length; i++)
            {
                string code = StripComment(lines[i]);
                foreach (var (name, pattern) in Forbidden)
                {
                    if (pattern.IsMatch(code)) yield return (file, i + 1, name);
                }
            }
        }
    }

    /// <summary>Drops a // comment (doc comments may name what the code no longer uses); good enough for these patterns.</summary>
    private static string StripComment(string line)
    {
        int comment = line.IndexOf("//", StringComparison.Ordinal);
        return comment < 0 ? line : line[..comment];
    }

    private static IEnumerable<string> SourceFiles() =>
        Folders().SelectMany(f => Directory.EnumerateFiles(f, "*.cs", SearchOption.AllDirectories))
            .Where(p => !p.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && !p.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal));

    private static readonly string RepositoryRoot = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "RingStore.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("RingStore.sln not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"\bStopwatch\b")]
    private static partial Regex StopwatchPattern();

    [GeneratedRegex(@"\bDateTime\s*\.\s*(UtcNow|Now)\b")]
    private static partial Regex DateTimeNowPattern();

    [GeneratedRegex(@"\bDateTimeOffset\s*\.\s*(UtcNow|Now)\b")]
    private static partial Regex DateTimeOffsetNowPattern();

    [GeneratedRegex(@"\bEnvironment\s*\.\s*TickCount")]
    private static partial Regex TickCountPattern();

    [GeneratedRegex(@"\bThread\s*\.\s*Sleep\b")]
    private static partial Regex ThreadSleepPattern();

    [GeneratedRegex(@"\bRandom\s*\.\s*Shared\b")]
    private static partial Regex SharedRandomPattern();

    [GeneratedRegex(@"\bnew\s+Random\s*\(\s*\)")]
    private static partial Regex UnseededRandomPattern();
}
