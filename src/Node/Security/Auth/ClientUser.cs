namespace RingStore.Node.Security.Auth;

/// <summary>
/// Who is making the current request: a logged-in role, or the node itself (<see cref="System"/>, for its own reads
/// and writes of system_auth). Carried in <see cref="AuthContext"/>.
/// </summary>
public sealed record ClientUser(string Name, bool IsSystem = false)
{
    public static ClientUser System { get; } = new("<node>", IsSystem: true);
}

/// <summary>
/// The request's user, flowing with the async call: the gRPC interceptor sets it for the whole call (sessions included,
/// their calls run inside it), the native protocol per request. When the authenticator is on, a request that reaches
/// a check with no user is refused (fail closed), so a front end that forgets to set it cannot bypass authorization.
/// </summary>
public static class AuthContext
{
    private static readonly AsyncLocal<ClientUser?> Ambient = new();

    public static ClientUser? Current
    {
        get => Ambient.Value;
        set => Ambient.Value = value;
    }
}
