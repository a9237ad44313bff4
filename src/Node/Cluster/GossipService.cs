using Microsoft.Extensions.Logging;
using RingStore.Gossip.Messages;
using RingStore.Gossip.Protocol;
using RingStore.Gossip.State;
using RingStore.Node.Messaging;
using RingStore.Gossip.Ring;

namespace RingStore.Node.Cluster;

/// <summary>
/// Runs the pure <see cref="Gossiper"/> on this node: a timer calls Tick every gossip interval, the four gossip
/// verbs feed Receive, and what comes out is sent one-way over messaging. All calls into the gossiper hold one
/// lock (it is single-threaded by design). After every call that changed membership, a new
/// <see cref="MembershipSnapshot"/> is published and <see cref="Changed"/> raised outside the lock.
/// </summary>
public sealed class GossipService : IAsyncDisposable
{
    private readonly Gossiper _gossiper;
    private readonly IMessagingService _messaging;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly long _startTimestamp;
    private readonly object _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private MembershipSnapshot _current;
    private long _sequence;
    private Task? _loop;

    public GossipService(string localEndpoint, GossiperOptions options, IMessagingService messaging, TimeProvider time, Random random, ILogger logger)
    {
        _gossiper = new Gossiper(localEndpoint, options, random);
        _messaging = messaging;
        _time = time;
        _logger = logger;
        _startTimestamp = time.GetTimestamp();
        _current = new MembershipSnapshot(0, localEndpoint, new Dictionary<string, EndpointState>(), new HashSet<string>());
    }

    /// <summary>Raised (outside the gossip lock, on the thread that caused it) after each membership event.</summary>
    public event Action<GossipEvent, MembershipSnapshot>? Changed;

    public MembershipSnapshot Current => Volatile.Read(ref _current);

    public string LocalEndpoint => _gossiper.LocalEndpoint;

    private TimeSpan Now => _time.GetElapsedTime(_startTimestamp);

    public void Start(int generation, IEnumerable<KeyValuePair<ApplicationState, string>> states)
    {
        var handler = new GossipVerbHandler(this);
        foreach (var verb in new[] { Verb.GossipSyn, Verb.GossipAck, Verb.GossipAck2, Verb.GossipShutdown })
            _messaging.RegisterHandler(verb, handler);
        lock (_gate)
        {
            _gossiper.Start(generation, states);
            Publish();
        }
        _loop = Task.Run(RunTimerAsync);
    }

    public void SetState(ApplicationState key, string value)
    {
        lock (_gate)
        {
            _gossiper.SetApplicationState(key, value);
            Publish();
        }
    }

    /// <summary>The failure detector's phi of every other member now (the metrics endpoint reads it per scrape).</summary>
    public IReadOnlyList<KeyValuePair<string, double>> PeerPhi()
    {
        var members = Current.Members;
        lock (_gate)
        {
            var now = Now;
            return [.. members.Where(m => m.Endpoint != _gossiper.LocalEndpoint)
                .Select(m => KeyValuePair.Create(m.Endpoint, _gossiper.FailureDetector.Phi(m.Endpoint, now)))];
        }
    }

    /// <summary>Forgets an endpoint after the quarantine delay (see <see cref="Gossiper.ScheduleForget"/>).</summary>
    public void ScheduleForget(string endpoint)
    {
        lock (_gate)
        {
            _gossiper.ScheduleForget(endpoint, Now);
        }
    }

    /// <summary>Graceful stop: announce shutdown so peers mark this node down at once, then stop the timer.</summary>
    public async Task StopAsync()
    {
        if (_stop.IsCancellationRequested) return;
        GossipOutput output;
        lock (_gate)
        {
            output = _gossiper.IsStarted ? _gossiper.Shutdown() : GossipOutput.Empty;
        }
        Send(output);
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            try { await _loop.ConfigureAwait(false); }
            catch (OperationCanceledException) { }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stop.Dispose();
    }

    internal void Receive(IGossipMessage message)
    {
        GossipOutput output;
        MembershipSnapshot snapshot;
        lock (_gate)
        {
            output = _gossiper.Receive(message, Now);
            snapshot = output.Events.Count > 0 ? Publish() : Current;
        }
        Send(output);
        Raise(output.Events, snapshot);
    }

    private async Task RunTimerAsync()
    {
        using var timer = new PeriodicTimer(_gossiper.Options.GossipInterval, _time);
        while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
        {
            try
            {
                GossipOutput output;
                MembershipSnapshot snapshot;
                lock (_gate)
                {
                    output = _gossiper.Tick(Now);
                    snapshot = output.Events.Count > 0 ? Publish() : Current;
                }
                Send(output);
                Raise(output.Events, snapshot);
            }
#pragma warning disable CA1031 // one bad round must not stop gossip for good
            catch (Exception e)
#pragma warning restore CA1031
            {
                _logger.LogError(e, "Gossip round failed");
            }
        }
    }

    private MembershipSnapshot Publish()
    {
        var states = new Dictionary<string, EndpointState>(_gossiper.States, StringComparer.Ordinal);
        var live = new HashSet<string>(_gossiper.LiveEndpoints, StringComparer.Ordinal);
        var snapshot = new MembershipSnapshot(++_sequence, _gossiper.LocalEndpoint, states, live);
        Volatile.Write(ref _current, snapshot);
        return snapshot;
    }

    private void Send(GossipOutput output)
    {
        foreach (var message in output.Messages)
        {
            Verb verb = message.Message switch
            {
                GossipSyn => Verb.GossipSyn,
                GossipAck => Verb.GossipAck,
                GossipAck2 => Verb.GossipAck2,
                _ => Verb.GossipShutdown,
            };
            try
            {
                _messaging.SendOneWay(PeerAddress.Parse(message.To), verb, GossipMessageSerializer.Serialize(message.Message));
            }
            catch (FormatException e)
            {
                _logger.LogWarning("Gossip peer {Peer} has no usable address: {Reason}", message.To, e.Message);
            }
        }
    }

    private void Raise(IReadOnlyList<GossipEvent> events, MembershipSnapshot snapshot)
    {
        foreach (var e in events)
        {
            if (e.Kind is GossipEventKind.Up or GossipEventKind.Down or GossipEventKind.Joined or GossipEventKind.Left or GossipEventKind.Restarted)
                _logger.LogInformation("Gossip: {Endpoint} {Event}", e.Endpoint, e.Kind);
            try
            {
                Changed?.Invoke(e, snapshot);
            }
#pragma warning disable CA1031 // a failing subscriber must not break gossip
            catch (Exception ex)
#pragma warning restore CA1031
            {
                _logger.LogError(ex, "Gossip event handler failed for {Event} {Endpoint}", e.Kind, e.Endpoint);
            }
        }
    }
}
