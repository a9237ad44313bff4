namespace RingStore.Node.Messaging;

/// <summary>
/// The deadline of the client request running on this flow (a unary call's gRPC deadline, a Session call's
/// <c>timeout_millis</c>), ambient like <c>Requests.ClientWarnings</c> so the coordinators' replica requests pick it up
/// without every call in between passing it along. <see cref="MessagingService"/> sends a client-request verb
/// (<see cref="ExpiringVerbs.FollowsClientDeadline"/>) with the sooner of this deadline and the request's own timeout.
/// Only the API sets it, for Mutate, Read and Execute; internal work (hints, repair, streaming, schema) has none.
/// </summary>
public sealed class ClientDeadline : IDisposable
{
    private static readonly AsyncLocal<ClientDeadline?> CurrentSlot = new();

    private readonly ClientDeadline? _outer;
    private readonly TimeProvider _clock;
    private readonly long _expiresAt;

    private ClientDeadline(ClientDeadline? outer, TimeProvider clock, long expiresAt)
    {
        _outer = outer;
        _clock = clock;
        _expiresAt = expiresAt;
    }

    /// <summary>
    /// Starts a client request's deadline, <paramref name="remaining"/> from now on <paramref name="clock"/>; dispose
    /// to end it. Null <paramref name="remaining"/> (the client set none) still opens a scope, so an outer deadline
    /// does not leak into this request. Call from an async method, so the value flows only into work it starts.
    /// </summary>
    public static ClientDeadline Begin(TimeProvider clock, TimeSpan? remaining)
    {
        ArgumentNullException.ThrowIfNull(clock);
        long now = clock.GetTimestamp();
        long expiresAt = remaining is { } r && RequestExpiry.After(now, clock.TimestampFrequency, r) is { } e ? e.Timestamp : long.MaxValue;
        var scope = new ClientDeadline(CurrentSlot.Value, clock, expiresAt);
        CurrentSlot.Value = scope;
        return scope;
    }

    /// <summary>The deadline from a gRPC call's <c>Deadline</c> (UTC; <see cref="DateTime.MaxValue"/> when the client set none).</summary>
    public static ClientDeadline BeginAt(TimeProvider clock, DateTime deadlineUtc)
    {
        ArgumentNullException.ThrowIfNull(clock);
        // gRPC turned the client's relative grpc-timeout into this node's own UTC time on arrival, so subtracting this
        // node's clock gives back the budget without comparing two machines' clocks.
        TimeSpan? remaining = deadlineUtc == DateTime.MaxValue ? null : deadlineUtc - clock.GetUtcNow().UtcDateTime;
        return Begin(clock, remaining);
    }

    /// <summary>What is left of the current client request's deadline, or null when there is none.</summary>
    public static TimeSpan? Remaining
    {
        get
        {
            if (CurrentSlot.Value is not { } current || current._expiresAt == long.MaxValue) return null;
            long now = current._clock.GetTimestamp();
            return new RequestExpiry(current._expiresAt).RemainingAt(now, current._clock.TimestampFrequency);
        }
    }

    public void Dispose()
    {
        if (CurrentSlot.Value == this) CurrentSlot.Value = _outer;
    }
}
