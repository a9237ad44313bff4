using System.Diagnostics;
using System.Text.Json;

namespace RingStore.Cluster.Tests.Native;

/// <summary>
/// Runs Native/driver_check.py with a Python that has the DataStax driver (Debian's python3-cassandra, which .ci/run
/// installs) and collects its "RESULT name json" lines. The process is killed by its own handle if it overruns.
/// </summary>
public static class PythonDriver
{
    private static readonly string[] Candidates = ["/usr/bin/python3", "python3"];

    /// <summary>The first Python that can import the driver; null when none can.</summary>
    public static string? Find() => Candidates.FirstOrDefault(p => Run(p, ["-c", "import cassandra"], TimeSpan.FromSeconds(60)).ExitCode == 0);

    public sealed record Output(int ExitCode, string Stdout, string Stderr)
    {
        public JsonElement Result(string name)
        {
            string prefix = "RESULT " + name + " ";
            string? line = Stdout.Split('\n').FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal));
            Assert.True(line is not null, $"the script printed no {name} result.\nstdout:\n{Stdout}\nstderr:\n{Stderr}");
            return JsonDocument.Parse(line![prefix.Length..]).RootElement;
        }
    }

    public static Output RunScript(string python, string mode, string host, int port) =>
        Run(python, [Path.Combine(AppContext.BaseDirectory, "Native", "driver_check.py"), mode, host, port.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            TimeSpan.FromMinutes(5));

    /// <summary>Runs another script of Native/ (e.g. connect_check.py) with the given arguments.</summary>
    public static Output RunNativeScript(string python, string script, params string[] args) =>
        Run(python, [Path.Combine(AppContext.BaseDirectory, "Native", script), .. args], TimeSpan.FromMinutes(3));

    public static Output Run(string file, IReadOnlyList<string> args, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in args) start.ArgumentList.Add(a);
        try
        {
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(timeout))
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
                return new Output(-1, stdout.Result, stderr.Result + "\n(killed after " + timeout + ")");
            }
            process.WaitForExit();
            return new Output(process.ExitCode, stdout.Result, stderr.Result);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return new Output(-1, "", e.Message);
        }
    }
}
