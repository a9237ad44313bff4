using System.Diagnostics;
using System.Threading.Channels;

namespace RingStore.Cluster.Tests;

/// <summary>
/// The built `ringstore` CLI (src/Cli/bin/&lt;Configuration&gt;/net10.0/ringstore.dll) run as a child process whose stdout
/// lines can be read while it runs. Dispose kills it (by its pid) if it still runs.
/// </summary>
public sealed class RingstoreCommand : IDisposable
{
    private readonly Process _process;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly System.Text.StringBuilder _stdout = new(), _stderr = new();

    public RingstoreCommand(params string[] args) : this(null, args)
    {
    }

    /// <summary>The command with <paramref name="input"/> written to its standard input (then closed).</summary>
    public static RingstoreCommand WithInput(string input, params string[] args) => new(input, args);

    private RingstoreCommand(string? input, string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = input is not null,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        info.ArgumentList.Add(DllPath);
        foreach (var a in args) info.ArgumentList.Add(a);
        _process = new Process { StartInfo = info };
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) { _lines.Writer.TryComplete(); return; }
            lock (_stdout) _stdout.AppendLine(e.Data);
            _lines.Writer.TryWrite(e.Data);
        };
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null) lock (_stderr) _stderr.AppendLine(e.Data);
        };
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        if (input is not null)
        {
            _process.StandardInput.Write(input);
            _process.StandardInput.Close();
        }
    }

    /// <summary>Stdout, line by line, as the command prints it; ends when the command closes stdout.</summary>
    public ChannelReader<string> Lines => _lines.Reader;

    public string Stdout { get { lock (_stdout) return _stdout.ToString(); } }

    public string Stderr { get { lock (_stderr) return _stderr.ToString(); } }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        _process.WaitForExit(); // drains the redirected streams
        return _process.ExitCode;
    }

    public override string ToString() => $"--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}";

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // never started or already gone
        }
        _process.Dispose();
    }

    private static string DllPath { get; } = Locate();

    private static string Locate()
    {
        string here = AppContext.BaseDirectory;
        string configuration = here.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Debug" : "Release";
        for (var dir = new DirectoryInfo(here); dir is not null; dir = dir.Parent)
        {
            if (!File.Exists(Path.Combine(dir.FullName, "RingStore.sln"))) continue;
            string path = Path.Combine(dir.FullName, "src", "Cli", "bin", configuration, "net10.0", "ringstore.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException($"build src/Cli -c {configuration} first", path);
        }
        throw new FileNotFoundException("RingStore.sln not found above " + here);
    }
}
