using MessagePack;
using MessagePack.Resolvers;

namespace RingStore.Node.Schema;

/// <summary>
/// MessagePack encoding of a <see cref="SchemaSnapshot"/>, used for schema.bin and for SchemaPull/SchemaPush
/// payloads: <c>[formatVersion, keyspaceEntries[], tableEntries[]]</c>. The encoding is canonical (entries in
/// ordinal name order, fields in key order), so equal schemas give equal bytes and equal versions on every node.
/// </summary>
public static class SchemaCodec
{
    /// <summary>The format this build writes and reads. Bump when a field's meaning changes; add fields with new keys.</summary>
    public const int CurrentFormatVersion = 1;

    // Bytes come from disk or from any peer that reached the port; the wire types are internal.
    private static readonly MessagePackSerializerOptions Options =
        StandardResolverAllowPrivate.Options.WithSecurity(MessagePackSecurity.UntrustedData);

    public static byte[] Serialize(SchemaSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return snapshot.CanonicalBytes;
    }

    /// <summary>Decodes and validates a snapshot. Damaged, invalid or other-version bytes throw <see cref="InvalidDataException"/>.</summary>
    public static SchemaSnapshot Deserialize(ReadOnlyMemory<byte> bytes)
    {
        int version = ReadFormatVersion(bytes);
        if (version != CurrentFormatVersion)
        {
            throw new InvalidDataException(
                $"Schema format version {version} is not supported: this build reads version {CurrentFormatVersion} (written by a newer or incompatible node?).");
        }

        SchemaDocumentWire document;
        try
        {
            document = MessagePackSerializer.Deserialize<SchemaDocumentWire>(bytes, Options);
        }
        catch (MessagePackSerializationException e)
        {
            throw new InvalidDataException($"Schema data is not a valid version {version} document: {e.Message}", e);
        }

        if (document.Keyspaces is null || document.Tables is null)
        {
            throw new InvalidDataException("Schema data has no keyspace or table list.");
        }

        return SchemaSnapshot.FromEntries(
            document.Keyspaces.Select(SchemaWireMapping.FromWire),
            document.Tables.Select(SchemaWireMapping.FromWire));
    }

    /// <summary>Canonical bytes of a whole snapshot; only <see cref="SchemaSnapshot"/> calls this (and caches it).</summary>
    internal static byte[] Encode(IEnumerable<KeyspaceEntry> keyspaces, IEnumerable<TableEntry> tables) =>
        MessagePackSerializer.Serialize(
            new SchemaDocumentWire(CurrentFormatVersion, [.. keyspaces.Select(SchemaWireMapping.ToWire)], [.. tables.Select(SchemaWireMapping.ToWire)]),
            Options);

    /// <summary>Bytes of a live keyspace's definition, for the merge tie-break.</summary>
    internal static byte[] EncodeKeyspaceDefinition(KeyspaceEntry entry) =>
        MessagePackSerializer.Serialize(SchemaWireMapping.ToWire(entry).Definition, Options);

    /// <summary>Bytes of a live table's definition, for the merge tie-break.</summary>
    internal static byte[] EncodeTableDefinition(TableEntry entry) =>
        MessagePackSerializer.Serialize(SchemaWireMapping.ToWire(entry).Table, Options);

    // The version is read on its own first, so a future layout is reported as such rather than as garbage.
    private static int ReadFormatVersion(ReadOnlyMemory<byte> bytes)
    {
        try
        {
            var reader = new MessagePackReader(bytes);
            if (reader.NextMessagePackType != MessagePackType.Array)
            {
                throw new InvalidDataException("Schema data does not start with a MessagePack array.");
            }

            if (reader.ReadArrayHeader() < 1 || reader.NextMessagePackType != MessagePackType.Integer)
            {
                throw new InvalidDataException("Schema data has no format version.");
            }

            return reader.ReadInt32();
        }
        catch (Exception e) when (e is MessagePackSerializationException or EndOfStreamException or OverflowException)
        {
            throw new InvalidDataException($"Schema data has no readable format version: {e.Message}", e);
        }
    }
}
