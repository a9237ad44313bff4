using System.Reflection;
using System.Reflection.Emit;

namespace RingStore.Architecture.Tests;

/// <summary>
/// Reads compiled method bodies: the members a method calls or reads and the types it names in its signature, locals
/// and IL operands. Lambdas and state machines are methods of compiler-generated nested types, so scanning every
/// method of a type and of its nested types sees them too.
/// </summary>
internal static class IlScan
{
    private const BindingFlags Everything = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    private static readonly Dictionary<short, OperandType> Operands = typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!).ToDictionary(o => o.Value, o => o.OperandType);

    /// <summary>Every method and constructor a type declares.</summary>
    public static IEnumerable<MethodBase> Methods(Type type) =>
        type.GetMethods(Everything).Cast<MethodBase>().Concat(type.GetConstructors(Everything));

    /// <summary>The metadata tokens of a body's member and type operands (calls, field accesses, type tokens).</summary>
    private static List<int> Tokens(byte[] il)
    {
        var tokens = new List<int>();
        for (int i = 0; i < il.Length;)
        {
            short code = il[i] == 0xFE ? unchecked((short)(0xFE00 | il[i + 1])) : il[i];
            i += il[i] == 0xFE ? 2 : 1;
            switch (Operands[code])
            {
                case OperandType.InlineMethod or OperandType.InlineField or OperandType.InlineType or OperandType.InlineTok:
                    tokens.Add(BitConverter.ToInt32(il, i));
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
        return tokens;
    }

    /// <summary>The methods, constructors, fields and types a method body names.</summary>
    public static IEnumerable<MemberInfo> MembersUsedBy(MethodBase method)
    {
        var body = method.GetMethodBody();
        if (body is null) yield break;
        Type[]? typeArgs = method.DeclaringType is { IsGenericType: true } d ? d.GetGenericArguments() : null;
        Type[]? methodArgs = method.IsGenericMethod ? method.GetGenericArguments() : null;
        foreach (int token in Tokens(body.GetILAsByteArray() ?? []))
        {
            MemberInfo? member = null;
            try
            {
                member = method.Module.ResolveMember(token, typeArgs, methodArgs);
            }
            catch (ArgumentException)
            {
                // a token of a generic context this scan does not model: not one of ours
            }
            if (member is not null) yield return member;
        }
    }

    /// <summary>Every type a method's signature, locals and body name.</summary>
    public static IEnumerable<Type> TypesUsedBy(MethodBase method)
    {
        foreach (var p in method.GetParameters()) yield return p.ParameterType;
        if (method is MethodInfo info) yield return info.ReturnType;
        if (method.GetMethodBody() is { } body)
        {
            foreach (var local in body.LocalVariables) yield return local.LocalType;
        }
        foreach (var member in MembersUsedBy(method))
        {
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
    }
}
