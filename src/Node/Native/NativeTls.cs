using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using RingStore.Node.Security;

namespace RingStore.Node.Native;

/// <summary>
/// TLS for the native-protocol port when client TLS is on (NodeOptions.ClientTls): each accepted socket becomes an
/// SslStream serving the node's current certificate from the same reloading <see cref="TlsCredentials"/> as the gRPC
/// port (so a SIGHUP or a changed PEM file reaches new CQL connections too), TLS 1.2 or 1.3 only, no client
/// certificate asked (who the client is, is the authenticator's business). A client that speaks plain CQL to the
/// port gets one protocol ERROR frame saying the port needs TLS, in the clear, and the connection is closed; any
/// other failed handshake (old TLS version, a client that does not trust the CA, silence) is logged and closed.
/// </summary>
public static partial class NativeTls
{
    /// <summary>A client has this long to finish its handshake; a silent or slow one is closed, not kept forever.</summary>
    public static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The first byte of every TLS handshake record (content type 22).</summary>
    private const byte TlsHandshakeRecord = 0x16;

    /// <summary>The TLS stream to run the connection on, or null when the client was refused (the socket is closed then).</summary>
    public static async Task<Stream?> AcceptAsync(Socket socket, TlsCredentials credentials, ILogger logger, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ArgumentNullException.ThrowIfNull(credentials);
        string remote = socket.RemoteEndPoint?.ToString() ?? "?";
        var network = new NetworkStream(socket, ownsSocket: true);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(HandshakeTimeout);
        SslStream? ssl = null;
        try
        {
            byte[] first = new byte[1];
            int peeked = await socket.ReceiveAsync(first, SocketFlags.Peek, timeout.Token).ConfigureAwait(false);
            if (peeked == 0)
            {
                await network.DisposeAsync().ConfigureAwait(false);
                return null; // connected and closed: a port probe
            }
            if (first[0] != TlsHandshakeRecord)
            {
                await RefusePlainTextAsync(network, timeout.Token).ConfigureAwait(false);
                Log.PlainTextRefused(logger, remote);
                return null;
            }
            ssl = new SslStream(network, leaveInnerStreamOpen: false);
            await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
            {
                ServerCertificateContext = credentials.Current.Context,
                EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                ClientCertificateRequired = false,
                CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            }, timeout.Token).ConfigureAwait(false);
            return ssl;
        }
        catch (Exception e) when (e is AuthenticationException or IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            if (!ct.IsCancellationRequested) Log.HandshakeFailed(logger, remote, e is OperationCanceledException ? $"no handshake within {HandshakeTimeout.TotalSeconds:0} s" : e.Message);
            if (ssl is not null) await ssl.DisposeAsync().ConfigureAwait(false);
            else await network.DisposeAsync().ConfigureAwait(false);
            return null;
        }
    }

    /// <summary>
    /// Reads the plain-text frame header (its stream id) and answers a Protocol error on that stream, so the driver
    /// reports why instead of a bare reset; the rest of the frame is not read. Closes the stream.
    /// </summary>
    private static async Task RefusePlainTextAsync(NetworkStream network, CancellationToken ct)
    {
        await using (network.ConfigureAwait(false))
        {
            short stream = 0;
            byte[] header = new byte[NativeFrameHeader.Size];
            try
            {
                await network.ReadExactlyAsync(header, ct).ConfigureAwait(false);
                stream = NativeFrameHeader.Read(header).Stream;
            }
            catch (EndOfStreamException)
            {
                // Fewer than a header's bytes: answer on stream 0.
            }
            var error = new NativeProtocolException("This node's native protocol port requires TLS (client TLS is on); connect with SSL enabled and trust the cluster's CA", closeConnection: true);
            await network.WriteAsync(NativeFrame.Error(stream, error), ct).ConfigureAwait(false);
            await network.FlushAsync(ct).ConfigureAwait(false);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4801, Level = LogLevel.Information, Message = "Native protocol: refused a plain-text connection from {Remote}: the port requires TLS")]
        public static partial void PlainTextRefused(ILogger logger, string remote);

        [LoggerMessage(EventId = 4802, Level = LogLevel.Information, Message = "Native protocol: TLS handshake with {Remote} failed: {Reason}")]
        public static partial void HandshakeFailed(ILogger logger, string remote, string reason);
    }
}
