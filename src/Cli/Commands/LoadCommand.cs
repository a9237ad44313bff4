using System.Diagnostics;
using System.Globalization;
using Google.Protobuf;
using Grpc.Core;
using RingStore.Cli.Cluster;
using RingStore.Cli.CommandLine;
using RingStore.Cli.Shell;
using RingStore.Cli.Tools;
using RingStore.Client.Protos;
using RingStore.Core.Serialization;
using RingStore.Storage.Snapshots;

namespace RingStore.Cli.Commands;

/// <summary>
/// <c>ringstore load &lt;snapshot folder | tag&gt; --contact h:p[,h:p] [--dir D] [--keyspace ks --table t]
/// [--consistency QUORUM] [--batch-kib 256]</c> (Cassandra's sstableloader): reads the SSTables of one or more snapshot
/// folders itself and sends every partition, exactly as stored (cell timestamps, TTLs and expiry times, tombstones and
/// their deletion times, range tombstones, partition deletions), to the target cluster's Load call, whose node
/// coordinates each partition to its current replicas. So the target may have any node count and any tokens.
/// Why a coordinator write and not the Mutate API: Mutate carries one timestamp and TTL per mutation and stamps
/// deletion times on the coordinator, so a cell's own metadata would be lost. Why not internode streaming: the loader
/// is no cluster member, and a coordinator write already reaches pending replicas and hints a down one.
/// </summary>
public static class LoadCommand
{
    private static readonly string[] ValueOptions = ["--contact", "--host", "--dir", "--keyspace", "--table", "--consistency", "--batch-kib", "--timeout"];

    public sealed record Settings(IReadOnlyList<string> Folders, IReadOnlyList<string> Contacts, string? Keyspace, string? Table,
        Consistency Consistency, int BatchBytes, TimeSpan Timeout);

    /// <summary>The arguments, and the snapshot folders they name (a folder with manifest.json, a folder searched for them, or a tag searched for under --dir).</summary>
    public static Settings Parse(IReadOnlyList<string> rawArgs)
    {
        var args = CliArguments.Parse(rawArgs, ValueOptions, []);
        if (args.Positionals.Count != 1) throw new UsageException("load takes one snapshot folder or tag");
        string source = args.Positionals[0];
        var consistency = Consistency.Quorum;
        if (args.Get("--consistency") is { } level && !ConsistencyNames.TryParse(level, out consistency))
            throw new UsageException($"--consistency must be one of {string.Join(", ", ConsistencyNames.All)}, got '{level}'");
        string? keyspace = args.Get("--keyspace"), table = args.Get("--table");
        if (table is not null && keyspace is null) throw new UsageException("--table needs --keyspace");
        string? contact = args.Get("--contact");
        if (contact is not null && args.Get("--host") is not null) throw new UsageException("give --contact or --host, not both");
        var contacts = contact is not null
            ? contact.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(NodeTarget.ParseHost).ToList()
            : ClusterAddress.ContactPoints(args);
        var folders = FindFolders(source, ClusterAddress.Directory(args));
        int batchKib = args.GetInt("--batch-kib", 256, 16, 16 * 1024);
        var timeout = TimeSpan.FromSeconds(args.GetInt("--timeout", 60, 1, 3600));
        return new Settings(folders, contacts, keyspace, table, consistency, batchKib * 1024, timeout);
    }

    /// <summary>
    /// An existing folder: itself when it holds manifest.json, else every snapshot folder under it. Anything else is a
    /// tag: every <c>snapshots/&lt;tag&gt;/</c> folder under <paramref name="clusterDirectory"/> (each node's copy).
    /// </summary>
    public static IReadOnlyList<string> FindFolders(string source, string clusterDirectory)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (Directory.Exists(source))
        {
            string full = Path.GetFullPath(source);
            if (File.Exists(Path.Combine(full, SnapshotManifest.FileName))) return [full];
            var under = Manifests(full).ToList();
            return under.Count > 0 ? under : throw new CommandFailedException($"{full} holds no snapshot (no {SnapshotManifest.FileName} under it)");
        }
        try
        {
            SnapshotTag.Validate(source);
        }
        catch (ArgumentException)
        {
            throw new UsageException($"'{source}' is neither a folder nor a snapshot tag");
        }
        var tagged = Directory.Exists(clusterDirectory)
            ? Manifests(clusterDirectory).Where(f => Path.GetFileName(f) == source).ToList()
            : [];
        return tagged.Count > 0 ? tagged : throw new CommandFailedException($"no snapshot '{source}' under {clusterDirectory} (give the folder, or --dir)");
    }

    private static IEnumerable<string> Manifests(string root) =>
        Directory.EnumerateFiles(root, SnapshotManifest.FileName, SearchOption.AllDirectories)
            .Select(p => Path.GetDirectoryName(p)!)
            .Where(d => Path.GetFileName(Path.GetDirectoryName(d)) == "snapshots")
            .Order(StringComparer.Ordinal);

    public static async Task<int> RunAsync(IReadOnlyList<string> rawArgs)
    {
        var settings = Parse(rawArgs);
        Console.WriteLine($"Loading {settings.Folders.Count} snapshot folder(s) through {string.Join(", ", settings.Contacts)} at {ConsistencyNames.Name(settings.Consistency)}:");
        var contacts = settings.Contacts.Select(c => new NodeRpc(c)).ToList();
        try
        {
            long partitions = 0, rows = 0, bytes = 0;
            var clock = Stopwatch.StartNew();
            foreach (string folder in settings.Folders)
            {
                var (p, r, b) = await LoadFolderAsync(folder, settings, contacts);
                partitions += p;
                rows += r;
                bytes += b;
            }
            double seconds = Math.Max(clock.Elapsed.TotalSeconds, 0.001);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Loaded {partitions} partition updates, {rows} rows, {StatusFormatter.Bytes(bytes)} in {seconds:F1} s ({StatusFormatter.Bytes((long)(bytes / seconds))}/s)"));
            return 0;
        }
        catch (RpcException e)
        {
            await Console.Error.WriteLineAsync($"error: {NodeRpc.Describe(e, string.Join(", ", settings.Contacts), "load")}");
            return 1;
        }
        finally
        {
            foreach (var c in contacts) c.Dispose();
        }
    }

    private static async Task<(long Partitions, long Rows, long Bytes)> LoadFolderAsync(string folder, Settings settings, List<NodeRpc> contacts)
    {
        var reader = SnapshotReader.Open(folder);
        var m = reader.Manifest;
        string keyspace = settings.Keyspace ?? m.Keyspace, table = settings.Table ?? m.Table;
        string columns = m.Columns.ToJson();
        long partitions = 0, rows = 0, bytes = 0;
        int next = 0;
        var inFlight = new List<Task<LoadResponse>>();
        var batch = new LoadRequest { Keyspace = keyspace, Table = table, ColumnsJson = columns, Consistency = settings.Consistency };
        long batchBytes = 0;
        // Updates are cut at a quarter of the batch so one wide partition spreads over several requests.
        foreach (var update in reader.ReadUpdates($"{keyspace}.{table}", Math.Max(1024, settings.BatchBytes / 4)))
        {
            var encoded = DataSerializer.Serialize(update);
            batch.Partitions.Add(ByteString.CopyFrom(encoded));
            batchBytes += encoded.Length;
            rows += update.Rows.Count;
            partitions++;
            if (batchBytes < settings.BatchBytes) continue;
            bytes += batchBytes;
            await SendAsync(batch);
            batch = new LoadRequest { Keyspace = keyspace, Table = table, ColumnsJson = columns, Consistency = settings.Consistency };
            batchBytes = 0;
        }
        if (batch.Partitions.Count > 0)
        {
            bytes += batchBytes;
            await SendAsync(batch);
        }
        await Task.WhenAll(inFlight);
        Console.WriteLine($"  {folder}: {m.FullName} -> {keyspace}.{table}, {partitions} partition updates, {rows} rows, {StatusFormatter.Bytes(bytes)}");
        return (partitions, rows, bytes);

        // A few batches in flight, spread over the contact points; a contact that is down hands its batch to the next.
        async Task SendAsync(LoadRequest request)
        {
            if (inFlight.Count >= 4)
            {
                var done = await Task.WhenAny(inFlight);
                inFlight.Remove(done);
                await done;
            }
            inFlight.Add(SendWithFailoverAsync(request, next++));
        }

        async Task<LoadResponse> SendWithFailoverAsync(LoadRequest request, int first)
        {
            for (int attempt = 0; ; attempt++)
            {
                var rpc = contacts[(first + attempt) % contacts.Count];
                try
                {
                    return await rpc.Api.LoadAsync(request, deadline: DateTime.UtcNow + settings.Timeout);
                }
                catch (RpcException e) when (e.StatusCode == StatusCode.Unavailable && attempt + 1 < contacts.Count && e.Trailers.GetValue("ringstore-error-kind") is null)
                {
                    // The contact itself is unreachable (no RingStore error kind): the next one coordinates instead.
                }
            }
        }
    }
}
