using System.Net;
using System.Net.Sockets;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Time.Testing;
using RingStore.Client.Protos;
using RingStore.Client.Sessions;

namespace RingStore.Node.Tests.Sdk;

/// <summary>
/// A session's deadlines are times on the clock it was opened with, and its sweep runs on that clock: a call to a node
/// that never answers fails with DeadlineExceeded when virtual time passes its deadline, and not before. The deadline
/// is an hour away, so a sweep on the wall clock would never expire it in this test.
/// </summary>
public sealed class SessionClockTests
{
    [Fact]
    public async Task A_session_call_expires_when_virtual_time_passes_its_deadline()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0); // accepts connections, never speaks HTTP/2
        silent.Start();
        var accepted = new List<Socket>();
        var accepting = Task.Run(async () =>
        {
            try { while (true) accepted.Add(await silent.AcceptSocketAsync()); }
            catch (Exception e) when (e is SocketException or ObjectDisposedException) { }
        });
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}");
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var session = RingStoreSession.Open(new RingStoreApi.RingStoreApiClient(channel), time);
        try
        {
            var call = session.ReadAsync(new ReadRequest { Keyspace = "ks", Table = "t" }, time.GetUtcNow().UtcDateTime.AddHours(1));
            await AssertStillRunning(call, "expired before virtual time passed");
            time.Advance(TimeSpan.FromMinutes(59));
            await AssertStillRunning(call, "expired before its virtual deadline");
            time.Advance(TimeSpan.FromMinutes(2));
            var expired = await Assert.ThrowsAsync<RpcException>(() => call.WaitAsync(TimeSpan.FromSeconds(30)));
            Assert.Equal(StatusCode.DeadlineExceeded, expired.StatusCode);
        }
        finally
        {
            await session.DisposeAsync();
            silent.Stop();
            await accepting;
            foreach (var socket in accepted) socket.Dispose();
        }
    }

    private static async Task AssertStillRunning(Task task, string message) =>
        Assert.False(await Task.WhenAny(task, Task.Delay(TimeSpan.FromMilliseconds(300))) == task, message);
}
