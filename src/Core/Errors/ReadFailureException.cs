using RingStore.Core.Consistency;

namespace RingStore.Core.Errors;

/// <summary>
/// A read that could not reach its consistency level because replicas answered with errors (I/O error, corrupt
/// SSTable, failed disk, too many tombstones), as opposed to not answering in time (<see cref="ReadTimeoutException"/>).
/// Carries the answers received, whether one of them held the data, and each failed replica's reason (Cassandra's
/// ReadFailure). Definite: the coordinator already asked every replica it could, so retrying elsewhere at once rarely helps.
/// </summary>
public sealed class ReadFailureException : Exception
{
    public ReadFailureException(ConsistencyLevel consistency, int received, int blockFor, bool dataPresent, IReadOnlyDictionary<string, string> failures)
        : base($"Read failed at consistency {consistency.ToCqlName()}: {received} of {blockFor} required replica(s) answered" +
               (dataPresent || received == 0 ? "" : " (none with the data)") +
               $", {failures?.Count ?? 0} failed ({string.Join("; ", (failures ?? new Dictionary<string, string>()).Select(f => $"{f.Key}: {f.Value}"))}).")
    {
        ArgumentNullException.ThrowIfNull(failures);
        Consistency = consistency;
        Received = received;
        BlockFor = blockFor;
        DataPresent = dataPresent;
        Failures = failures;
    }

    public ConsistencyLevel Consistency { get; }
    public int Received { get; }
    public int BlockFor { get; }
    public bool DataPresent { get; }

    /// <summary>Replica endpoint -> the reason it gave (the replica's own error text, e.g. a corrupt file or "tombstone overwhelm").</summary>
    public IReadOnlyDictionary<string, string> Failures { get; }
}
