using MessagePack;

namespace RingStore.Coordination;

/// <summary>MessagePack encoding of the coordinator's internode messages (the messaging layer adds framing and verbs).</summary>
public static class CoordinationMessageSerializer
{
    /// <summary>Version this build writes. Bump when a message's meaning changes; add fields with new keys.</summary>
    public const int CurrentVersion = 1;

    // Untrusted input: the peer may be anything that reached the port.
    private static readonly MessagePackSerializerOptions Options =
        MessagePackSerializerOptions.Standard.WithSecurity(MessagePackSecurity.UntrustedData);

    public static byte[] Serialize<T>(T message) => MessagePackSerializer.Serialize(message, Options);

    /// <exception cref="FormatException">The bytes are not a <typeparamref name="T"/>.</exception>
    public static T Deserialize<T>(ReadOnlyMemory<byte> bytes)
    {
        try
        {
            return MessagePackSerializer.Deserialize<T>(bytes, Options);
        }
        catch (MessagePackSerializationException e)
        {
            throw new FormatException($"Malformed {typeof(T).Name}.", e);
        }
    }
}
