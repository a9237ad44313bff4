using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace RingStore.Node.Security.Auth;

/// <summary>
/// Salted, slow password hashes: PBKDF2 with HMAC-SHA-256 (Rfc2898DeriveBytes.Pbkdf2), a random 16-byte salt per
/// hash and <see cref="DefaultIterations"/> iterations (OWASP's floor for PBKDF2-SHA256 is 600,000 in 2023; 100,000 is
/// NIST's older floor and keeps a login at tens of milliseconds on a small node; the iteration count is stored in the
/// hash, so raising it later only affects new passwords). Stored as "pbkdf2-sha256$iterations$salt$hash" (base64).
/// Verification compares in constant time.
/// </summary>
public static class PasswordHasher
{
    public const int DefaultIterations = 100_000;
    private const int SaltBytes = 16;
    private const int HashBytes = 32;
    private const string Scheme = "pbkdf2-sha256";

    /// <summary>Longest password accepted (bytes of UTF-8): PBKDF2 hashes long keys first, but a cap keeps bad input bounded.</summary>
    public const int MaxPasswordBytes = 4096;

    /// <summary>Iterations a stored hash may ask for; more would make one login a denial of service.</summary>
    private const int MaxIterations = 10_000_000;

    /// <summary>
    /// No NUL character: PBKDF2's HMAC pads a short key with zero bytes, so "pw" and "pw\0" would derive the same hash
    /// (the login fuzz test found exactly that). Refused when set and never matched at login.
    /// </summary>
    public static bool IsAcceptable(string password) => !password.Contains('\0', StringComparison.Ordinal);

    public static string Hash(string password, int iterations = DefaultIterations)
    {
        ArgumentNullException.ThrowIfNull(password);
        if (!IsAcceptable(password)) throw new ArgumentException("A password must not contain the NUL character.", nameof(password));
        if (iterations is < 1 or > MaxIterations) throw new ArgumentOutOfRangeException(nameof(iterations));
        byte[] salt = RandomNumberGenerator.GetBytes(SaltBytes);
        byte[] hash = Derive(password, salt, iterations);
        return string.Create(CultureInfo.InvariantCulture, $"{Scheme}${iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}");
    }

    /// <summary>True when <paramref name="password"/> matches <paramref name="stored"/>; false for a wrong password or a malformed hash.</summary>
    public static bool Verify(string password, string stored)
    {
        ArgumentNullException.ThrowIfNull(password);
        ArgumentNullException.ThrowIfNull(stored);
        if (!IsAcceptable(password)) return false;
        if (!TryParse(stored, out int iterations, out byte[] salt, out byte[] expected)) return false;
        byte[] actual = Derive(password, salt, iterations);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    /// <summary>A hash of a random password, for spending the same time on an unknown user as on a known one.</summary>
    public static string Decoy { get; } = Hash(Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)));

    private static byte[] Derive(string password, byte[] salt, int iterations)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(password);
        try
        {
            return Rfc2898DeriveBytes.Pbkdf2(bytes, salt, iterations, HashAlgorithmName.SHA256, HashBytes);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    private static bool TryParse(string stored, out int iterations, out byte[] salt, out byte[] hash)
    {
        iterations = 0;
        salt = hash = [];
        var parts = stored.Split('$');
        if (parts.Length != 4 || parts[0] != Scheme) return false;
        if (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out iterations) || iterations is < 1 or > MaxIterations) return false;
        try
        {
            salt = Convert.FromBase64String(parts[2]);
            hash = Convert.FromBase64String(parts[3]);
        }
        catch (FormatException)
        {
            return false;
        }
        return salt.Length >= 8 && hash.Length == HashBytes;
    }
}
