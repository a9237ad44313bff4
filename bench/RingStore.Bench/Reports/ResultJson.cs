using System.Text.Json;
using System.Text.Json.Serialization;

namespace RingStore.Bench.Reports;

/// <summary>
/// Writes a scenario's result object as JSON with snake_case names (FailedRequests -> failed_requests), so every
/// scenario's file has the same top-level keys (scenario, failed_requests, lost_writes) without per-field attributes.
/// </summary>
public static class ResultJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public static void Write<T>(string path, T result)
    {
        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null) Directory.CreateDirectory(directory);
        File.WriteAllText(path, JsonSerializer.Serialize(result, Options));
    }
}
