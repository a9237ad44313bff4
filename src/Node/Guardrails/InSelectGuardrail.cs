using System.Globalization;
using Microsoft.Extensions.Logging;
using RingStore.Core.Errors;
using RingStore.Node.Requests;

namespace RingStore.Node.Guardrails;

/// <summary>
/// The size of a SELECT's IN restrictions: the cartesian product of the partition keys and the clustering prefixes
/// they select (Cassandra 4.1's in_select_cartesian_product guardrail, off by default there). Each element is one
/// partition read or one slice, so a huge product is a huge fan-out. Over the warn threshold the client gets a
/// warning; over the failure threshold the query is refused with InvalidRequest before any read. 0 turns one off.
/// </summary>
public sealed class InSelectGuardrail(int warnThreshold, int failThreshold, ILogger logger)
{
    /// <summary>Cassandra has no default; these let the 1,000-value clustering IN of the wide-partition benchmark pass without a warning.</summary>
    public const int DefaultWarnThreshold = 1000;
    public const int DefaultFailThreshold = 10_000;

    public static readonly InSelectGuardrail None = new(0, 0, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);

    /// <exception cref="InvalidRequestException">The product is over the failure threshold.</exception>
    public void Check(string table, int partitionKeys, int clusteringPrefixes)
    {
        long product = (long)partitionKeys * Math.Max(1, clusteringPrefixes);
        if (failThreshold > 0 && product > failThreshold)
        {
            logger.LogWarning("SELECT on {Table} refused: IN cartesian product {Product} over the fail threshold {Threshold}", table, product, failThreshold);
            throw new InvalidRequestException(string.Create(CultureInfo.InvariantCulture,
                $"The cartesian product of the IN restrictions on {table} is {product} ({partitionKeys} partition keys x {Math.Max(1, clusteringPrefixes)} clustering values), over in_select_cartesian_product_fail_threshold of {failThreshold}"));
        }
        if (warnThreshold > 0 && product > warnThreshold)
        {
            logger.LogWarning("SELECT on {Table}: IN cartesian product {Product} over the warn threshold {Threshold}", table, product, warnThreshold);
            ClientWarnings.Add(string.Create(CultureInfo.InvariantCulture,
                $"The cartesian product of the IN restrictions on {table} is {product} ({partitionKeys} partition keys x {Math.Max(1, clusteringPrefixes)} clustering values), over in_select_cartesian_product_warn_threshold of {warnThreshold}"));
        }
    }
}
