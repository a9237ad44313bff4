using RingStore.Core.Schema;

namespace RingStore.Node.Native;

/// <summary>
/// A CQL type as the protocol's [option] names it: the type id, plus element types for list/set/map. RingStore's
/// column types map onto their real ids; collections appear only in the system tables drivers read.
/// </summary>
public sealed record NativeType(ushort Id, NativeType? Element = null, NativeType? Value = null)
{
    public static readonly NativeType Ascii = new(0x0001);
    public static readonly NativeType BigInt = new(0x0002);
    public static readonly NativeType Blob = new(0x0003);
    public static readonly NativeType Boolean = new(0x0004);
    public static readonly NativeType Double = new(0x0007);
    public static readonly NativeType Int = new(0x0009);
    public static readonly NativeType Timestamp = new(0x000B);
    public static readonly NativeType Uuid = new(0x000C);
    public static readonly NativeType Varchar = new(0x000D);
    public static readonly NativeType TimeUuid = new(0x000F);
    public static readonly NativeType Inet = new(0x0010);

    public static NativeType ListOf(NativeType element) => new(0x0020, element);

    public static NativeType MapOf(NativeType key, NativeType value) => new(0x0021, key, value);

    public static NativeType SetOf(NativeType element) => new(0x0022, element);

    public static NativeType Of(ColumnType type) => type switch
    {
        ColumnType.BigInt => BigInt,
        ColumnType.Int => Int,
        ColumnType.Text => Varchar,
        ColumnType.Blob => Blob,
        ColumnType.Boolean => Boolean,
        ColumnType.Double => Double,
        ColumnType.Timestamp => Timestamp,
        ColumnType.Uuid => Uuid,
        ColumnType.TimeUuid => TimeUuid,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "No CQL type for this column type."),
    };

    /// <summary>The name system_schema.columns gives the type (what CREATE TABLE accepts).</summary>
    public static string CqlName(ColumnType type) => type switch
    {
        ColumnType.BigInt => "bigint",
        ColumnType.Int => "int",
        ColumnType.Text => "text",
        ColumnType.Blob => "blob",
        ColumnType.Boolean => "boolean",
        ColumnType.Double => "double",
        ColumnType.Timestamp => "timestamp",
        ColumnType.Uuid => "uuid",
        ColumnType.TimeUuid => "timeuuid",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "No CQL name for this column type."),
    };

    public void WriteTo(NativeWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteShort(Id);
        Element?.WriteTo(writer);
        Value?.WriteTo(writer);
    }
}
