using CsCheck;
using RingStore.Node.Security.Auth;

namespace RingStore.Node.Tests.Security.Auth;

public sealed class PasswordHasherTests
{
    [Fact]
    public void A_hash_is_salted_pbkdf2_sha256_with_100k_iterations_and_verifies_only_its_password()
    {
        string a = PasswordHasher.Hash("s3cret");
        string b = PasswordHasher.Hash("s3cret");
        Assert.StartsWith("pbkdf2-sha256$100000$", a, StringComparison.Ordinal);
        Assert.NotEqual(a, b); // a new salt each time
        Assert.DoesNotContain("s3cret", a, StringComparison.Ordinal);
        Assert.True(PasswordHasher.Verify("s3cret", a));
        Assert.True(PasswordHasher.Verify("s3cret", b));
        Assert.False(PasswordHasher.Verify("s3cret ", a));
        Assert.False(PasswordHasher.Verify("S3cret", a));
        Assert.False(PasswordHasher.Verify("", a));
    }

    [Fact]
    public void Unicode_and_long_passwords_round_trip()
    {
        foreach (string password in new[] { "pässwörd-日本語-🔑", new string('x', 4000), "tab\tand\u00a0nbsp" })
        {
            string hash = PasswordHasher.Hash(password, iterations: 1000);
            Assert.True(PasswordHasher.Verify(password, hash));
            Assert.False(PasswordHasher.Verify(password + "x", hash));
        }
    }

    [Fact]
    public void Malformed_stored_hashes_never_verify_and_never_throw()
    {
        string good = PasswordHasher.Hash("pw", iterations: 10);
        string[] parts = good.Split('$');
        Assert.False(PasswordHasher.Verify("pw", ""));
        Assert.False(PasswordHasher.Verify("pw", "pw"));
        Assert.False(PasswordHasher.Verify("pw", $"md5${parts[1]}${parts[2]}${parts[3]}"));
        Assert.False(PasswordHasher.Verify("pw", $"{parts[0]}$0${parts[2]}${parts[3]}"));
        Assert.False(PasswordHasher.Verify("pw", $"{parts[0]}$999999999${parts[2]}${parts[3]}")); // a cost that would stall the node
        Assert.False(PasswordHasher.Verify("pw", $"{parts[0]}${parts[1]}$!!!${parts[3]}"));
        Assert.False(PasswordHasher.Verify("pw", $"{parts[0]}${parts[1]}${parts[2]}$AAAA"));
        Gen.String.Sample(s => Assert.False(PasswordHasher.Verify("pw", s)), iter: 2000);
        Gen.Select(Gen.Int[0, 3], Gen.String).Sample((i, s) =>
        {
            var mutated = (string[])parts.Clone();
            mutated[i] = s;
            PasswordHasher.Verify("pw", string.Join('$', mutated)); // may be false or (for the unchanged value) true: it must not throw
        }, iter: 500);
    }

    /// <summary>
    /// PBKDF2's HMAC zero-pads a short key, so without the NUL rule "pässwörd 🔑\0" logged in as the role whose password
    /// is "pässwörd 🔑" (LoginFuzzTests found it in CI, seed 10yQgbKt1XE7).
    /// </summary>
    [Fact]
    public void A_password_with_a_nul_never_matches_and_cannot_be_set()
    {
        string stored = PasswordHasher.Hash("pässwörd 🔑", iterations: 1000);
        Assert.True(PasswordHasher.Verify("pässwörd 🔑", stored));
        Assert.False(PasswordHasher.Verify("pässwörd 🔑\0", stored));
        Assert.False(PasswordHasher.Verify("pässwörd 🔑\0\0", stored));
        Assert.Throws<ArgumentException>(() => PasswordHasher.Hash("pw\0"));
    }
}
