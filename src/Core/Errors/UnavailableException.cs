using RingStore.Core.Consistency;

namespace RingStore.Core.Errors;

/// <summary>
/// Too few replicas were alive to meet the consistency level, so the coordinator sent nothing:
/// the write did not happen anywhere (unlike a timeout, where it may have).
/// </summary>
public sealed class UnavailableException : Exception
{
    public UnavailableException(ConsistencyLevel consistency, int required, int alive)
        : base($"Cannot achieve consistency level {consistency.ToCqlName()}: {required} replica(s) required but only {alive} alive.")
    {
        Consistency = consistency;
        Required = required;
        Alive = alive;
    }

    public ConsistencyLevel Consistency { get; }
    public int Required { get; }
    public int Alive { get; }
}
