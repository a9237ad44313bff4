using System.Globalization;
using RingStore.Client;
using RingStore.Core.Errors;

namespace RingStore.Cli.Shell;

/// <summary>Carries out shell commands: settings (CONSISTENCY, PAGING, EXPAND, TIMING), DESCRIBE, SOURCE, HELP, CLEAR, EXIT.</summary>
public sealed class ShellDirectiveRunner(RingStoreClient client, ShellSettings settings, TextWriter output, ShellSession session)
{
    public async Task RunAsync(ShellDirective directive, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(directive);
        string arg = directive.Argument;
        switch (directive.Kind)
        {
            case ShellDirectiveKind.Consistency:
                Consistency(arg);
                break;
            case ShellDirectiveKind.Paging:
                Paging(arg);
                break;
            case ShellDirectiveKind.Expand:
                settings.Expand = OnOff(arg, settings.Expand, "EXPAND", "Expanded output");
                break;
            case ShellDirectiveKind.Timing:
                settings.Timing = OnOff(arg, settings.Timing, "TIMING", "Timing");
                break;
            case ShellDirectiveKind.Describe:
                await client.RefreshMetadataAsync(ct).ConfigureAwait(false);
                output.Write(Describe(arg));
                break;
            case ShellDirectiveKind.Source:
                if (arg.Length == 0) throw new InvalidRequestException("SOURCE needs a file name: SOURCE 'file.cql'");
                await session.SourceAsync(arg, ct).ConfigureAwait(false);
                break;
            case ShellDirectiveKind.Help:
                output.Write(HelpText);
                break;
            case ShellDirectiveKind.Clear:
                output.Write("\u001b[2J\u001b[H");
                break;
            case ShellDirectiveKind.Exit:
                session.ExitRequested = true;
                break;
            case ShellDirectiveKind.Show:
                output.WriteLine(Show(arg, client.Metadata.Ring.ClusterName, client.Options.ContactPoints));
                break;
            case ShellDirectiveKind.Tracing:
                throw new InvalidRequestException(TracingNotSupported);
            case ShellDirectiveKind.Copy:
                throw new InvalidRequestException(CopyNotSupported);
            case ShellDirectiveKind.Login:
                await LoginAsync(arg, ct).ConfigureAwait(false);
                break;
        }
    }

    /// <summary>LOGIN user ['password']: switches the connection's role (the password asked without echo when not given).</summary>
    private async Task LoginAsync(string arg, CancellationToken ct)
    {
        var (user, password) = ShellLogin.Parse(arg);
        password ??= session.PasswordPrompt?.Invoke("Password: ")
            ?? throw new InvalidRequestException("LOGIN needs a password here: LOGIN user 'password' (the interactive shell asks for it)");
        await client.LoginAsync(user, password, ct).ConfigureAwait(false);
        output.WriteLine($"Logged in as {user}.");
    }

    public const string TracingNotSupported =
        "TRACING is not supported: the nodes record no per-request trace events (no system_traces tables) for the shell to show. "
        + "TIMING ON prints each statement's time; ringstore tablestats and toppartitions show per-table latencies and hot partitions.";

    public const string CopyNotSupported =
        "COPY is not supported: the shell has no CSV import or export yet. Export with SELECT (PAGING OFF) and import with a "
        + "script of INSERT statements run by SOURCE 'file' or ringstore shell -f file.";

    /// <summary>SHOW VERSION | SHOW HOST, as cqlsh answers them.</summary>
    public static string Show(string arg, string clusterName, IReadOnlyList<string> contactPoints)
    {
        ArgumentNullException.ThrowIfNull(arg);
        ArgumentNullException.ThrowIfNull(contactPoints);
        string version = typeof(ShellDirectiveRunner).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
        return arg.ToUpperInvariant() switch
        {
            "VERSION" => $"[ringstore shell {version} | RingStore {version} | CQL subset (see HELP) | gRPC API ringstore.v1]",
            "HOST" => $"Connected to {clusterName} at {string.Join(", ", contactPoints)}.",
            _ => throw new InvalidRequestException($"Improper SHOW command: expected SHOW VERSION or SHOW HOST, got '{arg}'."),
        };
    }

    private void Consistency(string arg)
    {
        if (arg.Length == 0)
        {
            output.WriteLine($"Current consistency level is {ConsistencyNames.Name(settings.Consistency)}.");
            return;
        }
        if (!ConsistencyNames.TryParse(arg, out var level))
            throw new InvalidRequestException($"Improper CONSISTENCY command: '{arg}' is not one of {string.Join(", ", ConsistencyNames.All)}.");
        settings.Consistency = level;
        output.WriteLine($"Consistency level set to {ConsistencyNames.Name(level)}.");
    }

    private void Paging(string arg)
    {
        if (arg.Length == 0)
        {
            output.WriteLine(settings.PagingEnabled ? "Query paging is currently enabled. Use PAGING OFF to disable" : "Query paging is currently disabled. Use PAGING ON to enable.");
            output.WriteLine($"Page size: {settings.PageSize.ToString(CultureInfo.InvariantCulture)}");
        }
        else if (arg.Equals("ON", StringComparison.OrdinalIgnoreCase))
        {
            settings.PagingEnabled = true;
            output.WriteLine("Now Query paging is enabled");
            output.WriteLine($"Page size: {settings.PageSize.ToString(CultureInfo.InvariantCulture)}");
        }
        else if (arg.Equals("OFF", StringComparison.OrdinalIgnoreCase))
        {
            settings.PagingEnabled = false;
            output.WriteLine("Disabled Query paging.");
        }
        else if (int.TryParse(arg, NumberStyles.None, CultureInfo.InvariantCulture, out int size) && size > 0)
        {
            settings.PagingEnabled = true;
            settings.PageSize = size;
            output.WriteLine("Now Query paging is enabled");
            output.WriteLine($"Page size: {size.ToString(CultureInfo.InvariantCulture)}");
        }
        else
        {
            throw new InvalidRequestException($"Improper PAGING command: expected ON, OFF or a page size, got '{arg}'.");
        }
    }

    private bool OnOff(string arg, bool current, string command, string what)
    {
        if (arg.Length == 0)
        {
            output.WriteLine($"{what} is currently {(current ? "enabled" : "disabled")}. Use {command} {(current ? "OFF to disable" : "ON to enable")}.");
            return current;
        }
        if (arg.Equals("ON", StringComparison.OrdinalIgnoreCase))
        {
            output.WriteLine($"Now {what} is enabled");
            return true;
        }
        if (arg.Equals("OFF", StringComparison.OrdinalIgnoreCase))
        {
            output.WriteLine($"Disabled {what}.");
            return false;
        }
        throw new InvalidRequestException($"Improper {command} command: expected ON or OFF, got '{arg}'.");
    }

    private string Describe(string arg)
    {
        var schema = client.Metadata.Schema;
        string[] words = arg.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        string what = words.Length == 0 ? "" : words[0].ToUpperInvariant();
        switch (what)
        {
            case "KEYSPACES":
                return SchemaDescriber.Keyspaces(schema);
            case "TABLES":
                return SchemaDescriber.Tables(schema, client.Keyspace);
            case "KEYSPACE" when words.Length == 2 || client.Keyspace is not null:
            {
                string name = words.Length == 2 ? Unquote(words[1]) : client.Keyspace!;
                var ks = schema.Keyspaces.FirstOrDefault(k => k.Name == name) ?? throw new InvalidRequestException($"Keyspace '{name}' not found.");
                return SchemaDescriber.CreateKeyspace(ks) + string.Concat(schema.Tables.Where(t => t.Keyspace == name)
                    .OrderBy(t => t.Name, StringComparer.Ordinal).Select(t => "\n" + SchemaDescriber.CreateTable(t)));
            }
            case "TABLE" when words.Length == 2:
                return SchemaDescriber.CreateTable(FindTable(words[1]));
            default:
                throw new InvalidRequestException("Improper DESCRIBE command: DESCRIBE KEYSPACES | KEYSPACE ks | TABLES | TABLE [ks.]t");
        }
    }

    private Client.Protos.TableInfo FindTable(string qualified)
    {
        int dot = qualified.IndexOf('.', StringComparison.Ordinal);
        string? keyspace = dot > 0 ? Unquote(qualified[..dot]) : client.Keyspace;
        string table = Unquote(dot > 0 ? qualified[(dot + 1)..] : qualified);
        if (keyspace is null) throw new InvalidRequestException($"No keyspace given for table '{table}': use ks.{table} or USE ks first.");
        return client.Metadata.FindTable(keyspace, table) ?? throw new InvalidRequestException($"Table '{keyspace}.{table}' not found.");
    }

    // Unquoted names fold to lower case, as in CQL; "Quoted" keep their case.
    private static string Unquote(string name) =>
        name.Length >= 2 && name[0] == '"' && name[^1] == '"' ? name[1..^1].Replace("\"\"", "\"", StringComparison.Ordinal) : name.ToLowerInvariant();

    public const string HelpText = """
        CQL statements end with ';' and may span lines. Shell commands (no ';' needed):
          CONSISTENCY [level]        show or set the consistency level (ONE, QUORUM, ALL, LOCAL_QUORUM, ...)
          PAGING [ON|OFF|n]          page results interactively, n rows a page
          EXPAND [ON|OFF]            one block per row instead of a table
          TIMING [ON|OFF]            print how long each statement took
          DESCRIBE KEYSPACES | KEYSPACE ks | TABLES | TABLE [ks.]t
          SOURCE 'file'              run the statements in a file
          SHOW VERSION | HOST        the shell's version; the cluster and the nodes it was reached at
          TRACING, COPY              not supported (they say why)
          CLEAR                      clear the screen
          EXIT | QUIT                leave (or Ctrl-D)

        """;
}
