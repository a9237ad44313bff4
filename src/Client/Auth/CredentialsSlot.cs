using Grpc.Core;
using Grpc.Core.Interceptors;

namespace RingStore.Client.Auth;

/// <summary>
/// The credentials every connection of one client sends, replaceable at run time (the shell's LOGIN): the
/// interceptor reads the slot on each call.
/// </summary>
internal sealed class CredentialsSlot(ClientCredentials? initial)
{
    private ClientCredentials? _current = initial;
    private string? _header = initial?.HeaderValue;

    public ClientCredentials? Current => Volatile.Read(ref _current);

    public void Set(ClientCredentials? credentials)
    {
        Volatile.Write(ref _header, credentials?.HeaderValue);
        Volatile.Write(ref _current, credentials);
    }

    public CallInvoker Apply(CallInvoker invoker) => invoker.Intercept(metadata =>
    {
        if (Volatile.Read(ref _header) is { } header) metadata.Add(ClientCredentials.Header, header);
        return metadata;
    });
}
