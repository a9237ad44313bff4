namespace RingStore.Node.Native.SystemTables;

/// <summary>Shorthands for the column types the system tables use.</summary>
internal static class SystemColumns
{
    public static readonly NativeType TextSet = NativeType.SetOf(NativeType.Varchar);
    public static readonly NativeType TextList = NativeType.ListOf(NativeType.Varchar);
    public static readonly NativeType TextMap = NativeType.MapOf(NativeType.Varchar, NativeType.Varchar);

    public static NativeColumn Text(string name) => new(name, NativeType.Varchar);

    public static NativeColumn Int(string name) => new(name, NativeType.Int);

    public static NativeColumn Uuid(string name) => new(name, NativeType.Uuid);

    public static NativeColumn Inet(string name) => new(name, NativeType.Inet);

    public static NativeColumn Bool(string name) => new(name, NativeType.Boolean);

    public static NativeColumn Double(string name) => new(name, NativeType.Double);

    public static NativeColumn Blob(string name) => new(name, NativeType.Blob);

    public static NativeColumn Of(string name, NativeType type) => new(name, type);
}
