using System.Globalization;
using RingStore.Gossip.State;

namespace RingStore.Gossip.Ring;

/// <summary>What gossip says about one endpoint, decoded from its application states.</summary>
public sealed record MemberInfo(string Endpoint, EndpointState State, bool IsAlive)
{
    public Guid HostId => Guid.TryParse(State.Get(ApplicationState.HostId), out var id) ? id : Guid.Empty;

    public string Datacenter => State.Get(ApplicationState.Datacenter) ?? "dc1";

    public string Rack => State.Get(ApplicationState.Rack) ?? "rack1";

    public string Status => State.Status ?? "UNKNOWN";

    /// <summary>The gRPC address clients use for this node.</summary>
    public string? RpcAddress => State.Get(ApplicationState.RpcAddress);

    /// <summary>The CQL native-protocol address drivers use for this node (null: its native listener is off).</summary>
    public string? NativeAddress => State.Get(ApplicationState.NativeAddress);

    public string? SchemaVersion => State.Get(ApplicationState.Schema);

    public long LoadBytes => long.TryParse(State.Get(ApplicationState.Load), NumberStyles.Integer, CultureInfo.InvariantCulture, out long v) ? v : 0;

    public IReadOnlyList<RingStore.Core.Partitioning.Token> Tokens => TokensValue.Parse(State.Get(ApplicationState.Tokens));

    public int Generation => State.Heartbeat.Generation;
}
