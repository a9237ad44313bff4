namespace RingStore.Node.Schema;

/// <summary>
/// The merge rule for one schema name, the same on every node: the newer change wins; on a tie a drop wins
/// (as a tombstone beats a live cell); on a tie between two different creates, the greater canonical bytes win.
/// That is a total order, so taking the greater entry is commutative, associative and idempotent, and nodes
/// that saw the same changes in any order end with the same schema.
/// </summary>
internal static class SchemaEntryMerge
{
    public static KeyspaceEntry Merge(KeyspaceEntry a, KeyspaceEntry b)
    {
        var winner = Compare(a, b) >= 0 ? a : b;
        // The last drop time is a separate max-register: a re-create must not forget that older tables died.
        long? lastDrop = Max(a.LastDroppedMicros, b.LastDroppedMicros);
        return winner.LastDroppedMicros == lastDrop ? winner : new KeyspaceEntry(winner.Name, winner.Definition, winner.TimestampMicros, lastDrop);
    }

    public static TableEntry Merge(TableEntry a, TableEntry b) => Compare(a, b) >= 0 ? a : b;

    private static int Compare(KeyspaceEntry a, KeyspaceEntry b)
    {
        int c = a.TimestampMicros.CompareTo(b.TimestampMicros);
        if (c != 0) return c;
        c = a.IsDropped.CompareTo(b.IsDropped);
        if (c != 0 || a.IsDropped) return c;
        if (a.Definition!.Equals(b.Definition)) return 0;
        return SchemaCodec.EncodeKeyspaceDefinition(a).AsSpan().SequenceCompareTo(SchemaCodec.EncodeKeyspaceDefinition(b));
    }

    private static int Compare(TableEntry a, TableEntry b)
    {
        int c = a.TimestampMicros.CompareTo(b.TimestampMicros);
        if (c != 0) return c;
        c = a.IsDropped.CompareTo(b.IsDropped);
        if (c != 0 || a.IsDropped) return c;
        if (ReferenceEquals(a.Table, b.Table)) return 0;
        return SchemaCodec.EncodeTableDefinition(a).AsSpan().SequenceCompareTo(SchemaCodec.EncodeTableDefinition(b));
    }

    private static long? Max(long? a, long? b) => a is null ? b : b is null ? a : Math.Max(a.Value, b.Value);
}
