namespace RingStore.Gossip.Ring;

/// <summary>
/// Where a node sits in the topology. Endpoint is the node's stable internode address and the identity used
/// by the ring; Datacenter and Rack drive NetworkTopologyStrategy placement.
/// </summary>
public sealed record NodeInfo(string Endpoint, string Datacenter = "dc1", string Rack = "rack1");
