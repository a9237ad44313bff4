namespace RingStore.Coordination;

/// <summary>How a slice end is bounded on the wire. Values are wire values: explicit and append-only.</summary>
public enum SliceBoundKind : byte
{
    Open = 0,
    Inclusive = 1,
    Exclusive = 2,
}
