namespace RingStore.Core.Errors;

/// <summary>
/// The client is logged in, but its role (with the roles granted to it) lacks the permission the request needs.
/// Checked before anything is done, so nothing was changed. CQL native protocol code 0x2100 (Unauthorized).
/// </summary>
public sealed class UnauthorizedException : InvalidRequestException
{
    public UnauthorizedException(string message) : base(message) { }
}
