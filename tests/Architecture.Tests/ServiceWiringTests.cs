using System.Reflection;

namespace RingStore.Architecture.Tests;

/// <summary>
/// Services get their dependencies through their constructors; only the host (RingStore.Node.Hosting) holds the whole
/// node. A type that takes <c>RingStoreNode</c> (or the <c>NodeAccessor</c> that hands it out) can reach every
/// service, which hides what it depends on and made the Hosting &lt;-&gt; Cql cycle. No type outside Hosting does:
/// the front ends get small records of what they use, wired in Hosting/FrontEnds.
/// </summary>
public class ServiceWiringTests
{
    private const BindingFlags Everything = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    private static readonly Type Node = typeof(RingStore.Node.Hosting.RingStoreNode);

    private static readonly Type Accessor = typeof(RingStore.Node.Hosting.NodeAccessor);

    private static IEnumerable<Type> Signature(Type type) =>
        type.GetConstructors(Everything).SelectMany(c => c.GetParameters()).Select(p => p.ParameterType)
            .Concat(type.GetMethods(Everything).SelectMany(m => m.GetParameters().Select(p => p.ParameterType).Append(m.ReturnType)))
            .Concat(type.GetFields(Everything).Select(f => f.FieldType))
            .Concat(type.GetProperties(Everything).Select(p => p.PropertyType));

    private static bool Mentions(Type candidate, Func<Type, bool> target) =>
        target(candidate) || (candidate.IsGenericType && candidate.GetGenericArguments().Any(a => Mentions(a, target)))
        || (candidate.HasElementType && Mentions(candidate.GetElementType()!, target));

    private static IEnumerable<Type> OuterTypes(string namespacePrefix) =>
        Node.Assembly.GetTypes().Where(t => t.Namespace is { } ns && ns.StartsWith(namespacePrefix, StringComparison.Ordinal));

    /// <summary>The declaring top-level type's name: compiler-generated closures and state machines count as their owner.</summary>
    private static string Owner(Type type)
    {
        while (type.DeclaringType is { } outer) type = outer;
        return type.FullName!;
    }

    [Fact]
    public void Only_the_host_takes_the_whole_node()
    {
        var takers = OuterTypes("RingStore.Node")
            .Where(t => !t.Namespace!.StartsWith("RingStore.Node.Hosting", StringComparison.Ordinal))
            .Where(t => Signature(t).Any(s => Mentions(s, x => x == Node || x == Accessor)))
            .Select(Owner).Distinct().Order(StringComparer.Ordinal).ToArray();
        Assert.Empty(takers);
    }

    [Fact]
    public void The_query_engine_depends_on_nothing_in_hosting()
    {
        var offenders = OuterTypes("RingStore.Node.Cql")
            .Where(t => Signature(t).Any(s => Mentions(s, x => x.Namespace?.StartsWith("RingStore.Node.Hosting", StringComparison.Ordinal) == true)))
            .Select(Owner).Distinct().ToArray();
        Assert.Empty(offenders);
    }
}
