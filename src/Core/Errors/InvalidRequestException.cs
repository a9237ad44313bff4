namespace RingStore.Core.Errors;

/// <summary>
/// The request itself is wrong (bad type, oversized value, empty key, unknown table...).
/// Nothing was written. Maps to CQL's InvalidRequest / gRPC InvalidArgument later.
/// </summary>
public class InvalidRequestException : Exception
{
    public InvalidRequestException(string message) : base(message) { }
    public InvalidRequestException(string message, Exception inner) : base(message, inner) { }
}
