namespace RingStore.Node.Native;

/// <summary>A bound [value] as received: its bytes, or null, or "not set" (v4's -2 length).</summary>
public readonly record struct NativeValue(byte[]? Bytes, bool IsUnset)
{
    public static NativeValue Null => new(null, false);

    public static NativeValue Unset => new(null, true);

    public bool IsNull => Bytes is null && !IsUnset;
}
