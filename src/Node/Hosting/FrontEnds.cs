using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RingStore.Node.Api;
using RingStore.Node.Native;
using RingStore.Node.Native.SystemTables;

namespace RingStore.Node.Hosting;

/// <summary>
/// Wires the client front ends (the gRPC API and the CQL native protocol) to the services of a started node: each gets
/// the few services it uses, never the node. The gRPC service and its interceptor are made by ASP.NET per call, so
/// their dependencies are registered here, resolved from the running node on first use (Kestrel serves only after the
/// node started: <see cref="NodeHostedService"/> runs first).
/// </summary>
public static class FrontEnds
{
    public static RingStoreApiService.ClientCalls ApiClientCalls(RingStoreNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return new(node.ClientWrites, node.Reads, node.Lookup, node.Cql, node.Auth, node.Clock);
    }

    public static RingStoreApiService.SchemaCalls ApiSchemaCalls(RingStoreNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return new(node.Schema, node.AnnounceSchemaAsync);
    }

    public static RingStoreApiService.AdminCalls ApiAdminCalls(RingStoreNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return new(node.Engine, node.Status, node.Repairs, node.Topology, node.Streams);
    }

    /// <summary>The gRPC service over <paramref name="node"/> (in-process tests call it directly).</summary>
    public static RingStoreApiService Api(RingStoreNode node) => new(ApiClientCalls(node), ApiSchemaCalls(node), ApiAdminCalls(node));

    public static SystemTableSources SystemTables(RingStoreNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return new(node.Options, () => node.Identity, node.Schema, () => node.Gossip.Current);
    }

    public static NativeStatementRunner NativeRunner(RingStoreNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return new(node.Cql, node.Schema, node.Auth, SystemTables(node), new NativeFastInsert(node.Schema, node.Cql.Writes));
    }

    /// <summary>The CQL native-protocol listener of <paramref name="node"/> (not started; off when NativePort is 0).</summary>
    public static NativeListener Native(RingStoreNode node, ILoggerFactory loggerFactory, Security.TlsCredentials? clientTls)
    {
        ArgumentNullException.ThrowIfNull(node);
        return new(node.Options, NativeRunner(node), node.Gossip, node.Schema, loggerFactory, clientTls);
    }

    /// <summary>The gRPC service's dependencies (and the auth interceptor's), taken from the node the host started.</summary>
    public static void AddGrpcDependencies(IServiceCollection services, NodeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        services.AddSingleton(sp => ApiClientCalls(sp.GetRequiredService<NodeAccessor>().Node));
        services.AddSingleton(sp => ApiSchemaCalls(sp.GetRequiredService<NodeAccessor>().Node));
        services.AddSingleton(sp => ApiAdminCalls(sp.GetRequiredService<NodeAccessor>().Node));
        if (options.PasswordAuthentication)
        {
            services.AddSingleton(sp => sp.GetRequiredService<NodeAccessor>().Node.Auth
                ?? throw new InvalidOperationException("The password authenticator is configured but the node has no auth service."));
        }
    }
}
