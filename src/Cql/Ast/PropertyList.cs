namespace RingStore.Cql.Ast;

/// <summary>Lookups over a statement's WITH properties (names are unique: the parser rejects duplicates).</summary>
public static class PropertyList
{
    public static PropertyValue? Find(this ValueList<PropertyAssignment> properties, string name) =>
        properties.FirstOrDefault(p => p.Name == name)?.Value;
}
