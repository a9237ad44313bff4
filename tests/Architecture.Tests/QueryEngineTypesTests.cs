using System.Reflection;
using System.Reflection.Emit;

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

    private static readonly Dictionary<short, OperandType> Operands = typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!).ToDictionary(o => o.Value, o => o.OperandType);

    private static bool IsGrpc(Type type) =>
        type.Namespace is { } ns && (ns.StartsWith("RingStore.Client.Protos", StringComparison.Ordinal) || ns.StartsWith("Google.Protobuf", StringComparison.Ordinal))
        || (type.IsGenericType && type.GetGenericArguments().Any(IsGrpc))
        || (type.HasElementType && IsGrpc(type.GetElementType()!));

    /// <summary>Every type a method's signature, locals and IL operands name.</summary>
    private static IEnumerable<Type> TypesUsedBy(MethodBase method)
    {
        foreach (var p in method.GetParameters()) yield return p.ParameterType;
        if (method is MethodInfo info) yield return info.ReturnType;
        var body = method.GetMethodBody();
        if (body is null) yield break;
        foreach (var local in body.LocalVariables) yield return local.LocalType;
        byte[] il = body.GetILAsByteArray() ?? [];
        Type[]? typeArgs = method.DeclaringType is { IsGenericType: true } d ? d.GetGenericArguments() : null;
        Type[]? methodArgs = method.IsGenericMethod ? method.GetGenericArguments() : null;
        for (int i = 0; i < il.Length;)
        {
            short code = il[i] == 0xFE ? unchecked((short)(0xFE00 | il[i + 1])) : il[i];
            i += il[i] == 0xFE ? 2 : 1;
            switch (Operands[code])
            {
                case OperandType.InlineMethod or OperandType.InlineField or OperandType.InlineType or OperandType.InlineTok:
                    foreach (var t in Resolve(method.Module, BitConverter.ToInt32(il, i), typeArgs, methodArgs)) yield return t;
                    i += 4;
                    break;
                case OperandType.InlineNone:
                    break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar:
                    i += 1;
                    break;
                case OperandType.InlineVar:
                    i += 2;
                    break;
                case OperandType.InlineI8 or OperandType.InlineR:
                    i += 8;
                    break;
                case OperandType.InlineSwitch:
                    i += 4 + (4 * BitConverter.ToInt32(il, i));
                    break;
                default: // InlineI, InlineBrTarget, InlineString, InlineSig, ShortInlineR
                    i += 4;
                    break;
            }
        }
    }

    private static IEnumerable<Type> Resolve(Module module, int token, Type[]? typeArgs, Type[]? methodArgs)
    {
        MemberInfo? member;
        try
        {
            member = module.ResolveMember(token, typeArgs, methodArgs);
        }
        catch (ArgumentException)
        {
            yield break;
        }
        switch (member)
        {
            case Type type:
                yield return type;
                break;
            case FieldInfo field:
                if (field.DeclaringType is { } fd) yield return fd;
                yield return field.FieldType;
                break;
            case MethodBase called:
                if (called.DeclaringType is { } md) yield return md;
                foreach (var p in called.GetParameters()) yield return p.ParameterType;
                if (called is MethodInfo mi) yield return mi.ReturnType;
                break;
        }
    }

    private static string[] GrpcUsers(string namespacePrefix) =>
        NodeAssembly.GetTypes()
            .Where(t => t.Namespace is { } ns && (ns == namespacePrefix || ns.StartsWith(namespacePrefix + ".", StringComparison.Ordinal)))
            .Where(t => t.GetFields(Everything).Select(f => f.FieldType)
                .Concat(t.GetProperties(Everything).Select(p => p.PropertyType))
                .Concat(t.GetMethods(Everything).Cast<MethodBase>().Concat(t.GetConstructors(Everything)).SelectMany(TypesUsedBy))
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
