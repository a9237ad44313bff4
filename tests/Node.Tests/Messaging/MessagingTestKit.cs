using System.Text;
using RingStore.Node.Messaging;

namespace RingStore.Node.Tests.Messaging;

/// <summary>A handler made from a lambda, for tests.</summary>
internal sealed class DelegateHandler(Func<PeerAddress, ReadOnlyMemory<byte>, ValueTask<ReadOnlyMemory<byte>?>> handle) : IVerbHandler
{
    public ValueTask<ReadOnlyMemory<byte>?> HandleAsync(PeerAddress sender, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken) =>
        handle(sender, payload);

    /// <summary>Answers with the request payload prefixed by "echo:".</summary>
    public static DelegateHandler Echo() =>
        new((_, payload) => ValueTask.FromResult<ReadOnlyMemory<byte>?>(Bytes("echo:" + Text(payload))));

    public static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    public static string Text(ReadOnlyMemory<byte> bytes) => Encoding.UTF8.GetString(bytes.Span);
}

internal static class MessagingTestKit
{
    public static readonly PeerAddress AnyLoopbackPort = new("127.0.0.1", 0);

    public static MessagingOptions Options(string cluster = "test-cluster") => new()
    {
        ClusterName = cluster,
        HostId = Guid.NewGuid(),
        ConnectTimeout = TimeSpan.FromSeconds(2),
        ReconnectBackoffMin = TimeSpan.FromMilliseconds(20),
        ReconnectBackoffMax = TimeSpan.FromMilliseconds(200),
        DefaultRequestTimeout = TimeSpan.FromSeconds(5),
    };

    public static async Task<MessagingService> StartAsync(MessagingOptions? options = null, PeerAddress? listen = null)
    {
        var service = new MessagingService(options ?? Options(), TimeProvider.System, new Random(42));
        try
        {
            await service.StartAsync(listen ?? AnyLoopbackPort);
            return service;
        }
        catch
        {
            await service.DisposeAsync();
            throw;
        }
    }

    /// <summary>Polls a condition (real time) so tests wait only as long as needed.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, string what, int timeoutMs = 10_000)
    {
        var deadline = Environment.TickCount64 + timeoutMs;
        while (!condition())
        {
            if (Environment.TickCount64 > deadline)
            {
                throw new TimeoutException($"Timed out waiting for: {what}");
            }

            await Task.Delay(10);
        }
    }
}
