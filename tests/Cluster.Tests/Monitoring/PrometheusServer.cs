using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using RingStore.LocalCluster;

namespace RingStore.Cluster.Tests.Monitoring;

/// <summary>
/// Debian's Prometheus server (/usr/bin/prometheus, installed by .ci/run) as a child process scraping the given targets
/// every second, its data in a fresh temp directory; queried through its HTTP API. Dispose kills it (by its own pid,
/// with any children) and deletes the directory, whatever the test's outcome.
/// </summary>
public sealed class PrometheusServer : IDisposable
{
    public const string Binary = "/usr/bin/prometheus";
    private readonly Process _process;
    private readonly string _directory;
    private readonly HttpClient _http;
    private readonly StringBuilder _log = new();

    private PrometheusServer(Process process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
    }

    /// <summary>Its own output (warnings and errors), for a failure message.</summary>
    public string Log { get { lock (_log) return _log.ToString(); } }

    public static PrometheusServer Start(IEnumerable<string> targets)
    {
        if (!File.Exists(Binary)) throw new InvalidOperationException($"{Binary} is missing: apt-get install prometheus (.ci/run does).");
        int port = FreePorts.Take(1)[0];
        string directory = Path.Combine(Path.GetTempPath(), "ringstore-prometheus-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(directory);
        string config = Path.Combine(directory, "prometheus.yml");
        File.WriteAllText(config, Config(targets));
        var start = new ProcessStartInfo(Binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in new[]
        {
            "--config.file=" + config, "--storage.tsdb.path=" + Path.Combine(directory, "data"),
            $"--web.listen-address=127.0.0.1:{port}", "--log.level=warn",
        }) start.ArgumentList.Add(arg);
        var process = Process.Start(start) ?? throw new InvalidOperationException("prometheus did not start");
        var server = new PrometheusServer(process, directory, port);
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return server;
    }

    /// <summary>A scrape job over every node's /metrics, each second (the test waits for seconds, not minutes).</summary>
    public static string Config(IEnumerable<string> targets) =>
        $"""
        global:
          scrape_interval: 1s
          scrape_timeout: 1s
          evaluation_interval: 1s
        scrape_configs:
          - job_name: ringstore
            static_configs:
              - targets: [{string.Join(", ", targets.Select(t => $"'{t}'"))}]
        """;

    /// <summary>An instant query: each series' labels and value (empty until Prometheus has scraped it).</summary>
    public async Task<IReadOnlyList<(IReadOnlyDictionary<string, string> Labels, double Value)>> QueryAsync(string promql)
    {
        using var response = await _http.GetAsync("/api/v1/query?query=" + Uri.EscapeDataString(promql));
        string body = await response.Content.ReadAsStringAsync();
        // 503 is Prometheus still opening its database after start ("Service Unavailable"): not ready, not an answer.
        if (response.StatusCode == System.Net.HttpStatusCode.ServiceUnavailable)
            throw new HttpRequestException($"query {promql}: 503 {body}", null, response.StatusCode);
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"query {promql}: {(int)response.StatusCode} {body}");
        using var json = JsonDocument.Parse(body);
        var result = new List<(IReadOnlyDictionary<string, string>, double)>();
        foreach (var series in json.RootElement.GetProperty("data").GetProperty("result").EnumerateArray())
        {
            var labels = series.GetProperty("metric").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "", StringComparer.Ordinal);
            string value = series.GetProperty("value")[1].GetString()!;
            result.Add((labels, double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture)));
        }
        return result;
    }

    /// <summary>Polls a query until <paramref name="accept"/> holds for its answer; fails with the last answer and the server log.</summary>
    public async Task<IReadOnlyList<(IReadOnlyDictionary<string, string> Labels, double Value)>> WaitForAsync(string promql,
        Func<IReadOnlyList<(IReadOnlyDictionary<string, string> Labels, double Value)>, bool> accept, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        IReadOnlyList<(IReadOnlyDictionary<string, string>, double)> last = [];
        string? error = null;
        while (true)
        {
            try
            {
                last = await QueryAsync(promql);
                error = null;
                if (accept(last)) return last;
            }
            catch (HttpRequestException e) { error = e.Message; } // not listening or not ready yet
            catch (TaskCanceledException e) { error = e.Message; }
            if (DateTime.UtcNow > deadline)
            {
                string seen = string.Join("; ", last.Select(s => $"{string.Join(",", s.Item1.Select(l => $"{l.Key}={l.Value}"))} = {s.Item2}"));
                throw new TimeoutException($"Timed out waiting until {what} ({promql}); last answer: [{seen}] {error}\nprometheus log:\n{Log}");
            }
            await Task.Delay(250);
        }
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_log) _log.AppendLine(line);
    }

    public void Dispose()
    {
        _http.Dispose();
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException) { } // already gone
        _process.Dispose();
        try { Directory.Delete(_directory, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
