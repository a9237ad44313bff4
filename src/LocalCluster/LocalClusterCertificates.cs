using System.Net;
using RingStore.Client.Tls;

namespace RingStore.LocalCluster;

/// <summary>
/// The TLS files of a local TLS cluster, in DataRoot/tls: ca.pem + ca-key.pem (a throwaway CA made on first start),
/// node{i}.pem + node{i}-key.pem per node (issued when missing, also for nodes added later). Node certificates
/// name the listen address and localhost. The files are kept, so a restarted cluster keeps its identity.
/// </summary>
public static class LocalClusterCertificates
{
    public const string CaFileName = "ca.pem";
    public const string CaKeyFileName = "ca-key.pem";

    private static readonly TimeSpan CaValidity = TimeSpan.FromDays(365);
    private static readonly TimeSpan NodeValidity = TimeSpan.FromDays(90);
    private static readonly Lock Gate = new();

    public static string CertificatePath(string directory, int index) => Path.Combine(directory, $"node{index}.pem");

    public static string KeyPath(string directory, int index) => Path.Combine(directory, $"node{index}-key.pem");

    /// <summary>Creates the CA if missing and node <paramref name="index"/>'s certificate if missing.</summary>
    public static void Ensure(string directory, int index, string listenAddress)
    {
        lock (Gate)
        {
            Directory.CreateDirectory(directory);
            var caPath = Path.Combine(directory, CaFileName);
            var caKeyPath = Path.Combine(directory, CaKeyFileName);
            var now = DateTimeOffset.UtcNow;
            if (!File.Exists(caPath) || !File.Exists(caKeyPath))
            {
                using var created = DevCertificateAuthority.Create("RingStore local cluster CA", now, CaValidity);
                created.WriteCa(caPath, caKeyPath);
            }

            if (File.Exists(CertificatePath(directory, index)) && File.Exists(KeyPath(directory, index))) return;
            using var ca = DevCertificateAuthority.Load(caPath, caKeyPath);
            IssueNode(ca, directory, index, listenAddress, now);
        }
    }

    /// <summary>Writes node <paramref name="index"/>'s certificate and key signed by <paramref name="ca"/> (replacing any; a rotation).</summary>
    public static void IssueNode(DevCertificateAuthority ca, string directory, int index, string listenAddress, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(ca);
        using var certificate = ca.Issue($"ringstore-node{index}", ["localhost"],
            IPAddress.TryParse(listenAddress, out var ip) ? [ip, IPAddress.Loopback] : [IPAddress.Loopback], now, NodeValidity);
        // Key first: a reload triggered by the certificate's change then finds the matching key already there.
        DevCertificateAuthority.WritePem(certificate, CertificatePath(directory, index), KeyPath(directory, index));
    }

    /// <summary>The node settings that turn on client and internode TLS with these files.</summary>
    public static IReadOnlyDictionary<string, string> Settings(string directory, int index, IReadOnlyDictionary<string, string> extra)
    {
        var merged = new Dictionary<string, string>(extra)
        {
            ["TlsCertificate"] = CertificatePath(directory, index),
            ["TlsKey"] = KeyPath(directory, index),
            ["TlsCa"] = Path.Combine(directory, CaFileName),
            ["InternodeTls"] = "true",
            ["ClientTls"] = "true",
        };
        foreach (var (key, value) in extra) merged[key] = value; // explicit settings win (a test giving a foreign certificate)
        return merged;
    }
}
