using Grpc.Core;
using RingStore.Client;
using RingStore.Core.Errors;
using RingStore.Cql;

namespace RingStore.Cli.Shell;

/// <summary>
/// The shell's interpreter, shared by the REPL, <c>-e</c>, <c>-f</c> and SOURCE: input arrives line by line;
/// CQL statements run when their ';' arrives (multi-line input collects in <see cref="Pending"/>), and shell
/// commands (CONSISTENCY, PAGING, DESCRIBE...) run at once at the start of a line, with or without ';'.
/// A failed statement prints <c>Kind: message</c> to the error writer and counts in <see cref="Failures"/>;
/// the session carries on, as cqlsh does with a script.
/// </summary>
public sealed class ShellSession
{
    private const int MaxSourceDepth = 8;
    private readonly RingStoreClient _client;
    private readonly TextWriter _output;
    private readonly TextWriter _error;
    private readonly StatementRunner _runner;
    private readonly ShellDirectiveRunner _directives;
    private readonly Action<int>? _scanned;
    private CqlStatementAccumulator _pending;
    private int _sourceDepth;

    /// <param name="scanned">Told how many characters the statement splitter scans (a work counter for tests).</param>
    public ShellSession(RingStoreClient client, ShellSettings settings, TextWriter output, TextWriter error, Func<bool>? askForMore = null,
        Action<int>? scanned = null)
    {
        _client = client;
        _scanned = scanned;
        _pending = new CqlStatementAccumulator(scanned);
        Settings = settings;
        _output = output;
        _error = error;
        _runner = new StatementRunner(client, settings, output, askForMore, new ShellWarningPrinter(error));
        _directives = new ShellDirectiveRunner(client, settings, output, this);
    }

    public ShellSettings Settings { get; }

    /// <summary>Asks for a password without echo (LOGIN user without one); null in scripts, where LOGIN must name it.</summary>
    public Func<string, string?>? PasswordPrompt { get; set; }

    /// <summary>Text of a statement still waiting for its ';' (empty when none). Builds a string: use <see cref="HasPending"/> per line.</summary>
    public string Pending => _pending.Pending;

    /// <summary>Whether a statement is waiting for its ';' (or a string or comment for its end).</summary>
    public bool HasPending => _pending.HasPending;

    public int Failures { get; private set; }

    public bool ExitRequested { get; internal set; }

    public string? Keyspace => _client.Keyspace;

    public async Task FeedLineAsync(string line, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(line);
        string rest = line;
        while (!HasPending && !ExitRequested && ShellDirective.StartsDirective(rest))
        {
            int end = DirectiveEnd(rest);
            await RunDirectiveAsync(rest[..end], ct).ConfigureAwait(false);
            rest = end < rest.Length ? rest[(end + 1)..] : "";
        }
        if (ExitRequested || (!HasPending && rest.Trim().Length == 0)) return;

        // Each line is lexed once (a statement of n lines costs O(n), not O(n²) as re-splitting the pending text did).
        var statements = _pending.AddLine(rest);
        foreach (var statement in statements)
        {
            if (ExitRequested)
            {
                _pending.Clear();
                return;
            }
            if (ShellDirective.StartsDirective(statement)) await RunDirectiveAsync(statement, ct).ConfigureAwait(false);
            else await RunStatementAsync(statement, ct).ConfigureAwait(false);
        }
        // Text after the last ';' of this line that is a shell command runs now (e.g. "SELECT ...; CONSISTENCY ONE").
        if (_pending.PendingStartedInLastLine && _pending.Pending is var remainder && ShellDirective.StartsDirective(remainder))
        {
            _pending.Clear();
            await RunDirectiveAsync(remainder, ct).ConfigureAwait(false);
        }
    }

    /// <summary>End of a script: text left without its ';' runs as a last statement (as cqlsh -e accepts).</summary>
    public async Task FinishAsync(CancellationToken ct)
    {
        string last = _pending.Pending;
        _pending.Clear();
        if (last.Length > 0 && !ExitRequested) await RunStatementAsync(last, ct).ConfigureAwait(false);
    }

    /// <summary>Drops a half-typed statement (Ctrl-C in the REPL).</summary>
    public void ClearPending() => _pending.Clear();

    public async Task RunScriptAsync(string text, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (string line in text.Split('\n'))
        {
            if (ExitRequested) break;
            await FeedLineAsync(line.TrimEnd('\r'), ct).ConfigureAwait(false);
        }
        await FinishAsync(ct).ConfigureAwait(false);
    }

    /// <summary>SOURCE 'file': the file runs in this session (its settings changes stay), with its own pending text.</summary>
    internal async Task SourceAsync(string path, CancellationToken ct)
    {
        if (_sourceDepth >= MaxSourceDepth) throw new InvalidRequestException($"SOURCE nested more than {MaxSourceDepth} deep.");
        string text;
        try
        {
            text = await File.ReadAllTextAsync(path, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidRequestException($"Could not open '{path}': {e.Message}");
        }
        var saved = _pending;
        _pending = new CqlStatementAccumulator(_scanned);
        _sourceDepth++;
        try
        {
            await RunScriptAsync(text, ct).ConfigureAwait(false);
        }
        finally
        {
            _sourceDepth--;
            _pending = saved;
        }
    }

    private async Task RunStatementAsync(string cql, CancellationToken ct)
    {
        try
        {
            await _runner.RunAsync(cql, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (IsStatementError(e))
        {
            ReportFailure(e);
        }
    }

    private async Task RunDirectiveAsync(string text, CancellationToken ct)
    {
        try
        {
            await _directives.RunAsync(ShellDirective.TryParse(text)!, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (IsStatementError(e))
        {
            ReportFailure(e);
        }
    }

    internal void ReportFailure(Exception e)
    {
        Failures++;
        _error.WriteLine(ShellErrorFormatter.Format(e));
        _error.Flush();
    }

    private static bool IsStatementError(Exception e) => e is RingStoreException or InvalidRequestException or RpcException or ArgumentException;

    // A shell command ends at the first ';' outside quotes, else at the end of the line.
    private static int DirectiveEnd(string text)
    {
        char quote = '\0';
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (quote != '\0') { if (c == quote) quote = '\0'; }
            else if (c is '\'' or '"') quote = c;
            else if (c == ';') return i;
        }
        return text.Length;
    }
}
