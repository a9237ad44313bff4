using System.Text;

namespace RingStore.Node.Security.Auth;

/// <summary>
/// gRPC credentials: every call carries the metadata entry <c>authorization: Basic base64(utf8(role ":" password))</c>
/// (HTTP basic authentication; the role name is what comes before the first ':', so a role whose name holds ':' cannot
/// log in over gRPC). Sent with every call rather than exchanged for a token: no token store to replicate or expire,
/// and the node re-checks each call against a cached HMAC (see <see cref="Authenticator"/>). Use client TLS so the
/// header is not readable on the wire.
/// </summary>
public static class GrpcCredentials
{
    public const string Header = "authorization";
    private const string Scheme = "Basic ";

    /// <summary>Base64 of 4 KiB password + 256-character name fits well under this; anything longer is refused unread.</summary>
    public const int MaxHeaderLength = 16 * 1024;

    public static string Encode(string role, string password)
    {
        ArgumentNullException.ThrowIfNull(role);
        ArgumentNullException.ThrowIfNull(password);
        return Scheme + Convert.ToBase64String(Encoding.UTF8.GetBytes(role + ":" + password));
    }

    /// <summary>(role, password), or null when the header is missing or malformed.</summary>
    public static (string Role, string Password)? Decode(string? header)
    {
        if (header is null || header.Length > MaxHeaderLength || !header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase)) return null;
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(header[Scheme.Length..].Trim());
        }
        catch (FormatException)
        {
            return null;
        }
        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
        int colon = text.IndexOf(':', StringComparison.Ordinal);
        return colon <= 0 ? null : (text[..colon], text[(colon + 1)..]);
    }
}
