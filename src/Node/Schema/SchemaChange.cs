namespace RingStore.Node.Schema;

/// <summary>
/// Raised by <see cref="SchemaManager"/> after a new schema was made durable and current:
/// the schema before and after, and what that means for storage tables.
/// </summary>
public sealed class SchemaChange
{
    private SchemaDiff? _diff;

    public SchemaChange(SchemaSnapshot before, SchemaSnapshot after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        Before = before;
        After = after;
    }

    public SchemaSnapshot Before { get; }

    public SchemaSnapshot After { get; }

    public SchemaDiff Diff => _diff ??= SchemaDiff.Between(Before, After);
}
