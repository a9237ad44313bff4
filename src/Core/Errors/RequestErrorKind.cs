namespace RingStore.Core.Errors;

/// <summary>
/// Machine-readable kind of a failed request, sent to clients next to the message (gRPC trailer
/// "ringstore-error-kind") so drivers can decide whether to retry. Values are append-only.
/// </summary>
public enum RequestErrorKind
{
    Unknown = 0,
    InvalidRequest = 1,
    Unavailable = 2,
    WriteTimeout = 3,
    ReadTimeout = 4,
    Overloaded = 5,
    ServerError = 6,
    UnknownTable = 7,
    ValueTooLarge = 8,
    AlreadyExists = 9,
    SyntaxError = 10,
    /// <summary>Replicas answered a write with errors and the level can no longer be met (see WriteFailureException).</summary>
    WriteFailure = 11,
    /// <summary>A replica's data disk is over the fail threshold; nothing was written (DiskUsageExceededException).</summary>
    DiskUsageExceeded = 12,
    /// <summary>Replicas answered a read with errors and the level could not be met (see ReadFailureException).</summary>
    ReadFailure = 13,
    /// <summary>The authenticated role lacks the permission the request needs; nothing was changed (UnauthorizedException).</summary>
    Unauthorized = 14,
    /// <summary>No credentials, or a wrong user name or password (AuthenticationFailedException).</summary>
    BadCredentials = 15,
}
