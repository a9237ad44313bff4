using System.Text;

namespace RingStore.Node.Security.Auth;

/// <summary>
/// The SASL PLAIN message drivers send in AUTH_RESPONSE for PasswordAuthenticator (RFC 4616):
/// [authzid] NUL authcid NUL password, UTF-8. The authorization identity is ignored, as Cassandra does.
/// </summary>
public static class SaslPlain
{
    /// <summary>(role, password), or null for anything that is not exactly three NUL-separated UTF-8 parts with a non-empty name.</summary>
    public static (string Role, string Password)? Decode(ReadOnlySpan<byte> token)
    {
        int first = token.IndexOf((byte)0);
        if (first < 0) return null;
        var rest = token[(first + 1)..];
        int second = rest.IndexOf((byte)0);
        if (second <= 0) return null;
        var password = rest[(second + 1)..];
        if (password.IndexOf((byte)0) >= 0) return null;
        var strict = new UTF8Encoding(false, throwOnInvalidBytes: true);
        try
        {
            return (strict.GetString(rest[..second]), strict.GetString(password));
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    public static byte[] Encode(string role, string password) => Encoding.UTF8.GetBytes("\0" + role + "\0" + password);
}
