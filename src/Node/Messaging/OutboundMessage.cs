namespace RingStore.Node.Messaging;

/// <summary>A message waiting in a connection's write queue; requests carry their pending entry.</summary>
internal readonly record struct OutboundMessage(Envelope Envelope, PendingRequest? Request);
