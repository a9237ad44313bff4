using RingStore.Core.Consistency;

namespace RingStore.Core.Errors;

/// <summary>
/// A write that can no longer reach its consistency level because replicas answered with errors (disk full, I/O
/// error, corruption), as opposed to not answering in time (<see cref="WriteTimeoutException"/>). Carries the acks
/// received so far and the error of each failed replica (Cassandra's WriteFailure). Replicas that did acknowledge
/// keep the write, so a client may only retry it if it is idempotent.
/// </summary>
public sealed class WriteFailureException : Exception
{
    public WriteFailureException(ConsistencyLevel consistency, int received, int blockFor, IReadOnlyDictionary<string, string> failures)
        : base($"Write failed at consistency {consistency.ToCqlName()}: {received} of {blockFor} required replica(s) acknowledged, " +
               $"{failures?.Count ?? 0} failed ({string.Join("; ", (failures ?? new Dictionary<string, string>()).Select(f => $"{f.Key}: {f.Value}"))}).")
    {
        ArgumentNullException.ThrowIfNull(failures);
        Consistency = consistency;
        Received = received;
        BlockFor = blockFor;
        Failures = failures;
    }

    public ConsistencyLevel Consistency { get; }
    public int Received { get; }
    public int BlockFor { get; }

    /// <summary>Replica endpoint -> the error it answered with.</summary>
    public IReadOnlyDictionary<string, string> Failures { get; }
}
