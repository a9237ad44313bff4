namespace RingStore.Node.Topology;

/// <summary>A topology operation that may not go ahead (or could not finish); the message is for the operator.</summary>
public sealed class TopologyRefusedException(string message) : Exception(message);
