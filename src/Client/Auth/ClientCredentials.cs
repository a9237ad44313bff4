using System.Text;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace RingStore.Client.Auth;

/// <summary>
/// A role name and password for a node with the password authenticator. Every gRPC call carries them as
/// <c>authorization: Basic base64(utf8(role ":" password))</c> (the node checks each call against a cached HMAC, so
/// this costs no slow hash per call). Use client TLS (CaFile) so the header cannot be read on the wire.
/// <see cref="ToString"/> never shows the password.
/// </summary>
public sealed record ClientCredentials(string Username, string Password)
{
    public const string Header = "authorization";

    /// <summary>The metadata value.</summary>
    public string HeaderValue => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(Username + ":" + Password));

    /// <summary>A call invoker that adds the credentials to every call made through it.</summary>
    public CallInvoker Apply(CallInvoker invoker)
    {
        ArgumentNullException.ThrowIfNull(invoker);
        string value = HeaderValue;
        return invoker.Intercept(metadata =>
        {
            metadata.Add(Header, value);
            return metadata;
        });
    }

    /// <summary><paramref name="invoker"/> with the credentials when there are any.</summary>
    public static CallInvoker Apply(CallInvoker invoker, ClientCredentials? credentials) => credentials is null ? invoker : credentials.Apply(invoker);

    public override string ToString() => $"ClientCredentials {{ Username = {Username}, Password = ***** }}";
}
