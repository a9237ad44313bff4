using Grpc.Net.Client;
using RingStore.Client.Tls;

namespace RingStore.Cli.Cluster;

/// <summary>
/// The CA every command trusts for TLS: <c>--ca FILE</c> (accepted by every command, taken out of the arguments
/// before the command parses them), else the CA of a local TLS cluster (<c>ringstore up --tls</c>) in <c>--dir</c>
/// (default ./.ringstore) when no <c>--host</c> is given. With a CA every gRPC call is https; without, plain HTTP/2.
/// </summary>
public static class CliTls
{
    public static string? CaFile { get; set; }

    /// <summary>Removes <c>--ca FILE</c> / <c>--ca=FILE</c> (before a lone <c>--</c>) and sets <see cref="CaFile"/>.</summary>
    public static string[] TakeCaOption(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        CaFile = null; // one command per call (tests run several in one process)
        var rest = new List<string>(args.Length);
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--")
            {
                rest.AddRange(args[i..]);
                break;
            }
            if (args[i] == "--ca")
            {
                if (i + 1 >= args.Length) throw new CommandLine.UsageException("--ca needs a PEM file (the cluster's CA certificate)");
                CaFile = args[++i];
            }
            else if (args[i].StartsWith("--ca=", StringComparison.Ordinal))
            {
                CaFile = args[i]["--ca=".Length..];
            }
            else
            {
                rest.Add(args[i]);
            }
        }

        if (CaFile is not null && !File.Exists(CaFile)) throw new CommandLine.UsageException($"--ca: no such file '{CaFile}'");
        CaFile ??= LocalClusterCa(rest);
        return rest.ToArray();
    }

    // A command aimed at the local cluster (no --host) trusts that cluster's CA without being told.
    private static string? LocalClusterCa(List<string> args)
    {
        if (args.Any(a => a == "--host" || a.StartsWith("--host=", StringComparison.Ordinal))) return null;
        int dirAt = args.IndexOf("--dir");
        string dir = dirAt >= 0 && dirAt + 1 < args.Count ? args[dirAt + 1]
            : args.FirstOrDefault(a => a.StartsWith("--dir=", StringComparison.Ordinal))?["--dir=".Length..] ?? ClusterAddress.DefaultDirectory;
        string ca = Path.Combine(Path.GetFullPath(dir), "tls", RingStore.LocalCluster.LocalClusterCertificates.CaFileName);
        return File.Exists(ca) ? ca : null;
    }

    /// <summary>A channel to one node's gRPC endpoint, https trusting <see cref="CaFile"/> when set.</summary>
    public static GrpcChannel Channel(string grpcEndpoint)
    {
        if (CaFile is null) return GrpcChannel.ForAddress($"http://{grpcEndpoint}");
        return GrpcChannel.ForAddress($"https://{grpcEndpoint}", new GrpcChannelOptions
        {
            HttpHandler = CaTrust.Handler(CaTrust.LoadPem(CaFile)),
            DisposeHttpClient = true,
        });
    }
}
