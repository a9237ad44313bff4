using Microsoft.Extensions.Logging;
using RingStore.Core.Data;
using RingStore.Core.Time;
using RingStore.Node.Cluster;
using RingStore.Coordination;
using RingStore.Node.Messaging;
using RingStore.Storage.Hints;
using RingStore.Gossip.Ring;

namespace RingStore.Node.Requests;

/// <summary>
/// Replays stored hints to their targets. Woken when gossip marks a node up, and every
/// <see cref="RetryInterval"/> as a safety net (a missed event or a replay that stopped early resumes then).
/// The store keeps order, throttling and the delivered position; this class only decides when and to whom.
/// </summary>
public sealed class HintDeliveryService(
    HintStore store,
    IMessagingService messaging,
    Func<MembershipSnapshot> membership,
    TimeSpan hintTimeout,
    TimeProvider time,
    ILogger logger) : IAsyncDisposable
{
    public static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(5);
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _wake = new(0, int.MaxValue);
    private Task? _loop;
    private long _replayed;

    public long Replayed => Interlocked.Read(ref _replayed);

    public void Start() => _loop = Task.Run(RunAsync);

    /// <summary>Gossip saw a node come up: deliver its hints now rather than at the next retry tick.</summary>
    public void Wake() => _wake.Release();

    private async Task RunAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                // A peer just marked up may still be finishing its start; a short pause avoids a wasted first attempt.
                if (await _wake.WaitOnClockAsync(RetryInterval, time, _stop.Token).ConfigureAwait(false))
                    await Task.Delay(TimeSpan.FromMilliseconds(200), time, _stop.Token).ConfigureAwait(false);
                await DeliverAllAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // delivery retries on the next round
            catch (Exception e)
#pragma warning restore CA1031
            {
                logger.LogWarning(e, "Hint delivery round failed");
            }
        }
    }

    /// <summary>One pass over every target with hints that gossip says is alive.</summary>
    public async Task DeliverAllAsync(CancellationToken ct)
    {
        var snapshot = membership();
        foreach (var hostId in store.Targets)
        {
            var member = snapshot.FindByHostId(hostId);
            if (member is null || !member.IsAlive || member.Endpoint == snapshot.LocalEndpoint) continue;
            var peer = PeerAddress.Parse(member.Endpoint);
            var result = await store.ReplayAsync(hostId, (update, token) => SendAsync(peer, update, token), ct).ConfigureAwait(false);
            Interlocked.Add(ref _replayed, result.Delivered);
            if (result.Delivered > 0 || result.Dropped > 0)
                logger.LogInformation("Hints for {Endpoint}: {Delivered} delivered, {Dropped} expired{Stopped}",
                    member.Endpoint, result.Delivered, result.Dropped, result.StoppedEarly ? ", stopped early (will resume)" : "");
        }
    }

    private async Task<bool> SendAsync(PeerAddress peer, PartitionUpdate update, CancellationToken ct)
    {
        try
        {
            await messaging.SendRequestAsync(peer, Verb.Hint, CoordinationMessageSerializer.Serialize(MutationMessage.For(update)), hintTimeout, ct)
                .ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is RequestTimeoutException or RequestFailedException or IOException)
        {
            logger.LogDebug("Hint to {Peer} not acknowledged: {Reason}", peer, e.Message);
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            try { await _loop.ConfigureAwait(false); }
            catch (OperationCanceledException) { }
        }
        _stop.Dispose();
        _wake.Dispose();
    }
}
