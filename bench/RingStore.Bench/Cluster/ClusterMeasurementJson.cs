using System.Text.Json;

namespace RingStore.Bench.Cluster;

/// <summary>
/// Reads and writes the cluster benchmark's result file: a JSON list of <see cref="ClusterMeasurement"/>.
/// Kept apart from the scenario so a plotting command can load the same file without running anything.
/// </summary>
public static class ClusterMeasurementJson
{
    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true };

    public static void Write(string path, IReadOnlyList<ClusterMeasurement> measurements)
    {
        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null) Directory.CreateDirectory(directory);
        File.WriteAllText(path, JsonSerializer.Serialize(measurements, Options));
    }

    public static IReadOnlyList<ClusterMeasurement> Read(string path) =>
        JsonSerializer.Deserialize<List<ClusterMeasurement>>(File.ReadAllText(path), Options)
            ?? throw new InvalidDataException($"{path} holds no measurement list.");
}
