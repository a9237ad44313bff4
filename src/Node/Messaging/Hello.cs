namespace RingStore.Node.Messaging;

/// <summary>
/// The first frame each way on a connection: MessagePack array [protocolVersion, clusterName, hostId (16 bytes),
/// host, port]. The version comes first so that a future version may change the rest and still be refused cleanly.
/// </summary>
internal sealed record Hello(int ProtocolVersion, string ClusterName, Guid HostId, PeerAddress Address);
