namespace RingStore.LocalCluster;

/// <summary>
/// Finds RingStore.Node.dll: the RINGSTORE_NODE_DLL environment variable, next to this assembly (a published
/// layout), or the node project's build output found by walking up to RingStore.sln (dotnet run / dotnet test),
/// preferring the build configuration this assembly was built with.
/// </summary>
public static class NodeBinary
{
    public const string EnvironmentVariable = "RINGSTORE_NODE_DLL";
    private const string FileName = "RingStore.Node.dll";

    public static string Locate()
    {
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } configured)
            return File.Exists(configured) ? configured : throw new FileNotFoundException($"{EnvironmentVariable} points to a missing file.", configured);
        string here = AppContext.BaseDirectory;
        string beside = Path.Combine(here, FileName);
        if (File.Exists(beside) && File.Exists(Path.Combine(here, "RingStore.Node.runtimeconfig.json"))) return beside;

        string configuration = here.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Debug" : "Release";
        for (var dir = new DirectoryInfo(here); dir is not null; dir = dir.Parent)
        {
            if (!File.Exists(Path.Combine(dir.FullName, "RingStore.sln"))) continue;
            var candidates = new[] { configuration, configuration == "Debug" ? "Release" : "Debug" }
                .Select(c => Path.Combine(dir.FullName, "src", "Node", "bin", c, "net10.0", FileName))
                .Where(File.Exists)
                .ToList();
            if (candidates.Count > 0) return candidates[0];
            throw new FileNotFoundException($"{FileName} is not built under {dir.FullName}/src/Node/bin. Build it first: dotnet build src/Node -c {configuration}");
        }
        throw new FileNotFoundException($"Cannot find {FileName}: set {EnvironmentVariable} or run from the repository.");
    }
}
