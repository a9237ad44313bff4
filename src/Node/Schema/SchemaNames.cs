using System.Text.RegularExpressions;
using RingStore.Core.Errors;

namespace RingStore.Node.Schema;

/// <summary>Name rules for keyspaces and tables, as Cassandra's: they become directory names and must stay portable.</summary>
internal static partial class SchemaNames
{
    public const int MaxNameLength = 48;

    /// <summary>Reserved: the node keeps its own files (schema.bin, later hints and peers) under &lt;dataDir&gt;/system.</summary>
    public const string SystemKeyspace = "system";

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_]{0,47}$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();

    public static void Validate(string? name, string what)
    {
        if (string.IsNullOrEmpty(name))
        {
            throw new InvalidRequestException($"{what} name must not be empty.");
        }

        if (!NamePattern().IsMatch(name))
        {
            throw new InvalidRequestException(
                $"{what} name '{name}' is invalid: it must start with a letter and contain only letters, digits and '_', at most {MaxNameLength} characters.");
        }
    }

    public static void ValidateKeyspace(string? name)
    {
        Validate(name, "Keyspace");
        if (string.Equals(name, SystemKeyspace, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidRequestException($"Keyspace name '{name}' is reserved for the node's own data.");
        }
    }
}
