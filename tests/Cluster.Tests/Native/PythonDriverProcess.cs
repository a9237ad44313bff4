using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace RingStore.Cluster.Tests.Native;

/// <summary>
/// driver_check.py running beside the test (for a scenario that needs the test to act between its steps): lines to
/// its stdin, its "RESULT name json" lines awaited one by one. Disposing kills it by its own handle if still running.
/// </summary>
public sealed class PythonDriverProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    private PythonDriverProcess(Process process) => _process = process;

    public static PythonDriverProcess Start(string python, params string[] args)
    {
        var start = new ProcessStartInfo(python)
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Native", "driver_check.py"));
        foreach (string a in args) start.ArgumentList.Add(a);
        var process = new Process { StartInfo = start };
        var handle = new PythonDriverProcess(process);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (handle._stdout) handle._stdout.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (handle._stderr) handle._stderr.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return handle;
    }

    public void SendLine(string line)
    {
        _process.StandardInput.WriteLine(line);
        _process.StandardInput.Flush();
    }

    /// <summary>Polls the output until the script printed result <paramref name="name"/>; fails early if the script exits without it.</summary>
    public async Task<JsonElement> WaitForResultAsync(string name, TimeSpan timeout)
    {
        string prefix = "RESULT " + name + " ";
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            string? line;
            lock (_stdout) line = _stdout.ToString().Split('\n').Select(l => l.TrimEnd('\r')).FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal));
            if (line is not null) return JsonDocument.Parse(line[prefix.Length..]).RootElement;
            bool exited = _process.HasExited;
            if (exited || DateTime.UtcNow > deadline)
            {
                if (exited) _process.WaitForExit(); // drains the redirected output
                Assert.Fail($"driver script {(exited ? $"exited ({_process.ExitCode})" : "timed out")} without result {name}.\nstdout:\n{Text(_stdout)}\nstderr:\n{Text(_stderr)}");
            }
            await Task.Delay(100);
        }
    }

    /// <summary>Waits for the script to finish; its exit code.</summary>
    public int WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout)) return -1;
        _process.WaitForExit();
        return _process.ExitCode;
    }

    public string Output => $"stdout:\n{Text(_stdout)}\nstderr:\n{Text(_stderr)}";

    private static string Text(StringBuilder b)
    {
        lock (b) return b.ToString();
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit();
            }
        }
        catch (InvalidOperationException) { } // never started or already reaped
        _process.Dispose();
    }
}
