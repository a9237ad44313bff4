using System.Globalization;
using RingStore.Core.Errors;
using RingStore.Cql.Ast;

namespace RingStore.Node.Cql;

/// <summary>Reads WITH-clause constants (numbers may be written bare or quoted, as Cassandra accepts both).</summary>
public static class PropertyValues
{
    public static int Int(Literal literal, string property)
    {
        ArgumentNullException.ThrowIfNull(literal);
        return literal.Kind is LiteralKind.Integer or LiteralKind.String &&
            int.TryParse(literal.Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value)
            ? value
            : throw new InvalidRequestException($"Invalid value for property '{property}': '{literal.Text}' is not an integer");
    }

    public static double Double(Literal literal, string property)
    {
        ArgumentNullException.ThrowIfNull(literal);
        return literal.Kind is LiteralKind.Integer or LiteralKind.Float or LiteralKind.String &&
            double.TryParse(literal.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value)
            ? value
            : throw new InvalidRequestException($"Invalid value for property '{property}': '{literal.Text}' is not a number");
    }

    public static Literal Constant(PropertyAssignment property)
    {
        ArgumentNullException.ThrowIfNull(property);
        return property.Value is ConstantPropertyValue c ? c.Value : throw new InvalidRequestException($"Property '{property.Name}' takes a constant, not a map");
    }

    public static MapPropertyValue Map(PropertyAssignment property)
    {
        ArgumentNullException.ThrowIfNull(property);
        return property.Value as MapPropertyValue ?? throw new InvalidRequestException($"Property '{property.Name}' takes a map");
    }
}
