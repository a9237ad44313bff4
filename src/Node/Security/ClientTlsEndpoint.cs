using System.Security.Authentication;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Logging;
using RingStore.Node.Hosting;

namespace RingStore.Node.Security;

/// <summary>
/// Client TLS for the gRPC port: Kestrel's HTTPS with the node's certificate, picked per connection from the
/// reloading <see cref="TlsCredentials"/> so a rotated certificate is served without a restart. Clients are not
/// asked for a certificate (client authentication is for the authenticator, not TLS). TLS 1.2+ only.
/// The native protocol (src/Node/Native) can take the same credentials: wrap its accepted stream in an SslStream
/// with <c>ServerCertificateContext = credentials.Current.Context</c>.
/// </summary>
public static class ClientTlsEndpoint
{
    public static TlsCredentials LoadCredentials(NodeOptions options)
    {
        // The host's logging is not built yet; reload messages go to the console through this small factory.
        var loggerFactory = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true));
        var credentials = new TlsCredentials(options.TlsCertificate, options.TlsKey, options.TlsCa, "clients", loggerFactory.CreateLogger("RingStore.Node.Security"));
        credentials.StartWatching();
        return credentials;
    }

    public static void UseHttps(ListenOptions listen, TlsCredentials credentials) =>
        listen.UseHttps(new HttpsConnectionAdapterOptions
        {
            SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            ClientCertificateMode = ClientCertificateMode.NoCertificate,
            ServerCertificateSelector = (_, _) => credentials.Current.Certificate,
        });
}
