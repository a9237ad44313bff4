using System.Reflection;

namespace RingStore.Architecture.Tests;

/// <summary>
/// The query engine (RingStore.Node.Cql) speaks its own request and result types (CqlRequest, IBoundValues,
/// CqlResult, CqlPrepared), not the gRPC ones: the gRPC API converts at its boundary (src/Node/Api/CqlOverGrpc) and
/// the native protocol encodes the engine's results into frames. Checked on the compiled code, signatures and method
/// bodies (locals, calls, fields, type tokens; lambdas and state machines included), so a proto value built inside a
/// method counts as much as one in a signature.
/// </summary>
public class QueryEngineTypesTests
{
    private const BindingFlags Everything = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    private static readonly Assembly NodeAssembly = typeof(RingStore.Node.Hosting.RingStoreNode).Assembly;

    private static bool IsGrpc(Type type) =>
        type.Namespace is { } ns && (ns.StartsWith("RingStore.Client.Protos", StringComparison.Ordinal) || ns.StartsWith("Google.Protobuf", StringComparison.Ordinal))
        || (type.IsGenericType && type.GetGenericArguments().Any(IsGrpc))
        || (type.HasElementType && IsGrpc(type.GetElementType()!));

    private static string[] GrpcUsers(string namespacePrefix) =>
        NodeAssembly.GetTypes()
            .Where(t => t.Namespace is { } ns && (ns == namespacePrefix || ns.StartsWith(namespacePrefix + ".", StringComparison.Ordinal)))
            .Where(t => t.GetFields(Everything).Select(f => f.FieldType)
                .Concat(t.GetProperties(Everything).Select(p => p.PropertyType))
                .Concat(IlScan.Methods(t).SelectMany(IlScan.TypesUsedBy))
                .Any(IsGrpc))
            .Select(t => t.FullName!).Distinct().Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public void The_query_engine_uses_no_grpc_type() => Assert.Empty(GrpcUsers("RingStore.Node.Cql"));

    [Fact]
    public void The_scan_sees_the_grpc_boundary() // guards the scanner against matching nothing
    {
        var users = GrpcUsers("RingStore.Node.Api");
        Assert.Contains("RingStore.Node.Api.CqlOverGrpc", users);
        Assert.Contains("RingStore.Node.Api.ProtoBoundValues", users);
    }
}
