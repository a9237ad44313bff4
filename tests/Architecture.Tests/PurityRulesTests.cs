using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace RingStore.Architecture.Tests;

/// <summary>
/// The pure assemblies read no clock and do no I/O, so a simulation can drive them on virtual time and replay a seed
/// exactly. Checked on the compiled metadata: every type and member the assembly references from outside is listed
/// there, so a call to <c>DateTime.UtcNow</c> or <c>TimeProvider.System</c>, a file, a socket, a timer or a thread
/// anywhere in it (lambdas and iterators included) appears as a reference.
/// </summary>
public class PurityRulesTests
{
    /// <summary>Types whose use at all means I/O, threads, timers or the wall clock.</summary>
    private static readonly HashSet<string> ForbiddenTypes = new(StringComparer.Ordinal)
    {
        "System.IO.File", "System.IO.FileInfo", "System.IO.FileStream", "System.IO.Directory", "System.IO.DirectoryInfo",
        "System.IO.Path", "System.IO.RandomAccess", "System.Diagnostics.Stopwatch", "System.Diagnostics.Process",
        "System.Threading.Timer", "System.Threading.Thread", "System.Threading.ThreadPool", "System.Timers.Timer",
        "System.Console", "System.Net.Sockets.Socket", "System.Net.Sockets.TcpClient", "System.Net.Sockets.TcpListener",
        "System.Net.Http.HttpClient",
    };

    /// <summary>Members of otherwise allowed types that read the wall clock or an unseeded source.</summary>
    private static readonly HashSet<string> ForbiddenMembers = new(StringComparer.Ordinal)
    {
        "System.DateTime.get_Now", "System.DateTime.get_UtcNow", "System.DateTime.get_Today",
        "System.DateTimeOffset.get_Now", "System.DateTimeOffset.get_UtcNow",
        "System.TimeProvider.get_System", "System.Environment.get_TickCount", "System.Environment.get_TickCount64",
        "System.Threading.Tasks.Task.Delay", "System.Random.get_Shared",
    };

    private static List<string> Violations(Assembly assembly)
    {
        using var stream = File.OpenRead(assembly.Location);
        using var pe = new PEReader(stream);
        var md = pe.GetMetadataReader();
        var found = new List<string>();
        foreach (var handle in md.TypeReferences)
        {
            string name = FullName(md, md.GetTypeReference(handle));
            if (ForbiddenTypes.Contains(name) || name.StartsWith("System.Net.", StringComparison.Ordinal)) found.Add(name);
        }
        foreach (var handle in md.MemberReferences)
        {
            var member = md.GetMemberReference(handle);
            if (member.Parent.Kind != HandleKind.TypeReference) continue;
            string name = FullName(md, md.GetTypeReference((TypeReferenceHandle)member.Parent)) + "." + md.GetString(member.Name);
            if (ForbiddenMembers.Contains(name)) found.Add(name);
            // new Random() seeds itself from the system; new Random(seed) replays.
            if (name == "System.Random..ctor" && ParameterCount(md, member) == 0) found.Add("System.Random..ctor()");
        }
        return found;
    }

    private static int ParameterCount(MetadataReader md, MemberReference member)
    {
        var blob = md.GetBlobReader(member.Signature);
        blob.ReadSignatureHeader();
        return blob.ReadCompressedInteger();
    }

    private static string FullName(MetadataReader md, TypeReference type)
    {
        string ns = md.GetString(type.Namespace);
        string name = md.GetString(type.Name);
        if (type.ResolutionScope.Kind == HandleKind.TypeReference)
            return FullName(md, md.GetTypeReference((TypeReferenceHandle)type.ResolutionScope)) + "+" + name;
        return ns.Length == 0 ? name : ns + "." + name;
    }

    [Fact]
    public void Coordination_reads_no_clock_and_does_no_io() =>
        Assert.Empty(Violations(typeof(RingStore.Coordination.CoordinationAssemblyMarker).Assembly));

    [Fact]
    public void Gossip_reads_no_clock_and_does_no_io() =>
        Assert.Empty(Violations(typeof(RingStore.Gossip.GossipAssemblyMarker).Assembly));

    [Fact]
    public void The_check_sees_a_file_an_unseeded_random_and_a_clock_read()
    {
        // This assembly opens a file (above) and, below, reads the clock and makes an unseeded Random: the check must find them.
        var found = Violations(typeof(PurityRulesTests).Assembly);
        Assert.Contains("System.IO.File", found);
        Assert.Contains("System.Random..ctor()", found);
        Assert.Contains("System.DateTime.get_UtcNow", found);
        Assert.Contains("System.TimeProvider.get_System", found);
    }

    // Never called: only here so this assembly references what the check must see.
    internal static object Impure() => (new Random(), DateTime.UtcNow, TimeProvider.System);
}
