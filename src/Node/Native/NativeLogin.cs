using System.Net;
using System.Net.Sockets;
using RingStore.Core.Errors;
using RingStore.Node.Security.Auth;

namespace RingStore.Node.Native;

/// <summary>
/// The native protocol's password login, as Cassandra's PasswordAuthenticator: STARTUP is answered with AUTHENTICATE
/// naming org.apache.cassandra.auth.PasswordAuthenticator; the driver sends AUTH_RESPONSE with a SASL PLAIN token; the
/// node answers AUTH_SUCCESS (then the connection may send requests, each run as that role) or ERROR 0x0100 (bad
/// credentials; the driver may try again on the same connection, slowed down per source by the login throttle).
/// </summary>
public static class NativeLogin
{
    public const string AuthenticatorClass = "org.apache.cassandra.auth.PasswordAuthenticator";

    public static byte[] Authenticate(short stream) => NativeFrame.Response(stream, NativeOpcode.Authenticate, w => w.WriteString(AuthenticatorClass));

    /// <summary>The reply frame and, when the login succeeded, the user.</summary>
    public static async Task<(byte[] Reply, ClientUser? User)> LoginAsync(AuthService auth, short stream, AuthResponseRequest response, string source,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(auth);
        ArgumentNullException.ThrowIfNull(response);
        try
        {
            var credentials = response.Token is null ? null : SaslPlain.Decode(response.Token);
            var user = await auth.Authenticator.LoginAsync(credentials?.Role, credentials?.Password, source, ct).ConfigureAwait(false);
            // AUTH_SUCCESS carries a [bytes] token; PLAIN has nothing more to say.
            return (NativeFrame.Response(stream, NativeOpcode.AuthSuccess, w => w.WriteBytes([], isNull: true)), user);
        }
        catch (AuthenticationFailedException e)
        {
            return (NativeFrame.Error(stream, e), null);
        }
    }

    /// <summary>The client's IP address when the connection is a plain socket, else a fixed name (failures are counted per source).</summary>
    public static string Source(Stream stream) =>
        stream is NetworkStream { Socket.RemoteEndPoint: IPEndPoint endpoint } ? "native:" + endpoint.Address : "native";
}
