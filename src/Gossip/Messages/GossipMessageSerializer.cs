using System.Buffers;
using MessagePack;

namespace RingStore.Gossip.Messages;

/// <summary>MessagePack encoding of gossip messages (the transport adds length-prefix framing).</summary>
public static class GossipMessageSerializer
{
    /// <summary>Version this build speaks. Bump when a message's meaning changes; add fields with new keys.</summary>
    public const int CurrentProtocolVersion = 1;

    // Untrusted input: the peer may be anything that reached the port.
    private static readonly MessagePackSerializerOptions Options =
        MessagePackSerializerOptions.Standard.WithSecurity(MessagePackSecurity.UntrustedData);

    public static byte[] Serialize(IGossipMessage message) => MessagePackSerializer.Serialize(message, Options);

    /// <summary>Writes the same bytes as <see cref="Serialize(IGossipMessage)"/> into a caller's (reusable) buffer.</summary>
    public static void Serialize(IBufferWriter<byte> destination, IGossipMessage message) =>
        MessagePackSerializer.Serialize(destination, message, Options);

    public static IGossipMessage Deserialize(ReadOnlyMemory<byte> bytes) =>
        MessagePackSerializer.Deserialize<IGossipMessage>(bytes, Options);
}
