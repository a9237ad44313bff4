namespace RingStore.Core.Errors;

/// <summary>
/// Missing credentials, an unknown role, a role that may not log in, or a wrong password; the message never says
/// which of these (so it does not tell a guesser which role names exist). Native protocol code 0x0100 (bad credentials).
/// </summary>
public sealed class AuthenticationFailedException : Exception
{
    public AuthenticationFailedException(string message) : base(message) { }
}
