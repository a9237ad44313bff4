using CsCheck;
using Microsoft.Extensions.Time.Testing;
using RingStore.Node.Messaging;
using Xunit;

namespace RingStore.Node.Tests.Messaging;

/// <summary>
/// The shared timer for request deadlines, on a fake clock: a deadline fires once, never before it is due and no later
/// than one resolution after; an unregistered one never fires; deadlines beyond one revolution of the wheel and clock
/// jumps over many revolutions are handled.
/// </summary>
public sealed class DeadlineWheelTests
{
    private static readonly TimeSpan Resolution = TimeSpan.FromMilliseconds(20);

    [Fact]
    public void A_deadline_fires_once_at_its_time_and_not_before()
    {
        var time = new FakeTimeProvider();
        var wheel = new DeadlineWheel(time, Resolution);
        var entry = new Recorder(time);
        wheel.Register(entry, TimeSpan.FromSeconds(2), ticket: 7);
        Assert.Equal(1, wheel.Count);

        time.Advance(TimeSpan.FromMilliseconds(1_999));
        Assert.Empty(entry.Fired);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal([(7L, TimeSpan.FromSeconds(2))], entry.Fired.Select(f => (f.Ticket, f.At - time.Start)).ToArray());
        time.Advance(TimeSpan.FromSeconds(30));
        Assert.Single(entry.Fired);
        Assert.Equal(0, wheel.Count);
        Assert.False(wheel.Unregister(entry));
    }

    [Fact]
    public void A_deadline_between_ticks_fires_at_the_next_tick()
    {
        var time = new FakeTimeProvider();
        var wheel = new DeadlineWheel(time, Resolution);
        time.Advance(TimeSpan.FromMilliseconds(5));
        var entry = new Recorder(time);
        wheel.Register(entry, TimeSpan.FromMilliseconds(100), ticket: 1); // due at 105 ms: the tick at 120 ms

        time.Advance(TimeSpan.FromMilliseconds(110));
        Assert.Empty(entry.Fired);
        time.Advance(TimeSpan.FromMilliseconds(10));
        Assert.Single(entry.Fired);
        Assert.InRange(entry.Fired[0].At - time.Start, TimeSpan.FromMilliseconds(120), TimeSpan.FromMilliseconds(125));
    }

    [Fact]
    public void An_unregistered_deadline_never_fires_and_can_be_registered_again()
    {
        var time = new FakeTimeProvider();
        var wheel = new DeadlineWheel(time, Resolution);
        var entry = new Recorder(time);
        wheel.Register(entry, TimeSpan.FromSeconds(1), ticket: 1);
        Assert.True(wheel.Unregister(entry));
        Assert.False(wheel.Unregister(entry));
        Assert.Equal(0, wheel.Count);
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.Empty(entry.Fired);

        wheel.Register(entry, TimeSpan.FromSeconds(1), ticket: 2);
        Assert.Throws<InvalidOperationException>(() => wheel.Register(entry, TimeSpan.FromSeconds(1), ticket: 3));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal([2L], entry.Fired.Select(f => f.Ticket));
    }

    [Fact]
    public void A_zero_span_fires_at_the_next_tick_and_an_infinite_one_never()
    {
        var time = new FakeTimeProvider();
        var wheel = new DeadlineWheel(time, Resolution);
        var now = new Recorder(time);
        var never = new Recorder(time);
        wheel.Register(now, TimeSpan.Zero, ticket: 1);
        wheel.Register(never, Timeout.InfiniteTimeSpan, ticket: 2);
        Assert.Equal(1, wheel.Count);
        time.Advance(Resolution);
        Assert.Single(now.Fired);
        time.Advance(TimeSpan.FromDays(1));
        Assert.Empty(never.Fired);
    }

    [Fact]
    public void An_entry_may_register_others_from_its_deadline()
    {
        var time = new FakeTimeProvider();
        var wheel = new DeadlineWheel(time, Resolution);
        var second = new Recorder(time);
        var first = new Recorder(time, onFire: () => wheel.Register(second, TimeSpan.FromMilliseconds(40), ticket: 2));
        wheel.Register(first, TimeSpan.FromMilliseconds(40), ticket: 1);
        time.Advance(TimeSpan.FromMilliseconds(40));
        Assert.Single(first.Fired);
        Assert.Empty(second.Fired);
        time.Advance(TimeSpan.FromMilliseconds(40));
        Assert.Single(second.Fired);
    }

    /// <summary>
    /// Model-based: random registrations (up to 30 s, three revolutions of the wheel), unregistrations and clock steps
    /// (up to 25 s at once). After every step each live entry has fired exactly when the model says it is overdue by a
    /// resolution or more, never before its deadline, and never twice; unregistered ones never.
    /// </summary>
    [Fact]
    public void Deadlines_follow_the_model_under_random_registrations_removals_and_clock_steps()
    {
        var op = Gen.OneOf(
            Gen.Int[0, 30_000].Select(ms => (Kind: 0, Value: ms)),
            Gen.Int[0, 1_000].Select(i => (Kind: 1, Value: i)),
            Gen.Frequency((5, Gen.Int[0, 200]), (2, Gen.Int[0, 3_000]), (1, Gen.Int[0, 25_000])).Select(ms => (Kind: 2, Value: ms)));
        op.Array[1, 80].Sample(ops =>
        {
            var time = new FakeTimeProvider();
            var wheel = new DeadlineWheel(time, Resolution);
            var entries = new List<(Recorder Entry, DateTimeOffset Due, bool Removed)>();
            foreach (var (kind, value) in ops)
            {
                switch (kind)
                {
                    case 0:
                        var entry = new Recorder(time);
                        wheel.Register(entry, TimeSpan.FromMilliseconds(value), ticket: entries.Count);
                        entries.Add((entry, time.GetUtcNow() + TimeSpan.FromMilliseconds(value), false));
                        break;
                    case 1 when entries.Count > 0:
                        int i = value % entries.Count;
                        bool wasLive = entries[i].Entry.Fired.Count == 0 && !entries[i].Removed;
                        Assert.Equal(wasLive, wheel.Unregister(entries[i].Entry));
                        if (wasLive) entries[i] = entries[i] with { Removed = true };
                        break;
                    case 2:
                        time.Advance(TimeSpan.FromMilliseconds(value));
                        break;
                }

                var now = time.GetUtcNow();
                for (int k = 0; k < entries.Count; k++)
                {
                    var (e, due, removed) = entries[k];
                    Assert.True(e.Fired.Count <= 1, "fired twice");
                    if (e.Fired.Count == 1)
                    {
                        Assert.False(removed, "fired after it was unregistered");
                        Assert.Equal(k, e.Fired[0].Ticket);
                        Assert.True(e.Fired[0].At >= due, $"fired at {e.Fired[0].At - time.Start}, due {due - time.Start}");
                    }
                    else if (!removed)
                    {
                        Assert.True(now < due + Resolution, $"not fired at {now - time.Start}, due {due - time.Start}");
                    }
                }

                Assert.Equal(entries.Count(x => x.Entry.Fired.Count == 0 && !x.Removed), wheel.Count);
            }
        }, iter: 300);
    }

    private static readonly AsyncLocal<string?> Ambient = new();

    /// <summary>On the real clock: the wheel's timer does not run under the first registering caller's AsyncLocals.</summary>
    [Fact]
    public async Task The_timer_does_not_carry_the_first_registrants_execution_context()
    {
        using var wheel = new DeadlineWheel(TimeProvider.System, Resolution);
        var seen = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        Ambient.Value = "request 1";
        wheel.Register(new Probe(() => seen.TrySetResult(Ambient.Value)), TimeSpan.Zero, ticket: 1);
        Ambient.Value = null;
        Assert.Null(await seen.Task.WaitAsync(TimeSpan.FromSeconds(60)));
    }

    private sealed class Probe(Action onFire) : DeadlineEntry
    {
        protected internal override void OnDeadline(long ticket) => onFire();
    }

    private sealed class Recorder(FakeTimeProvider time, Action? onFire = null) : DeadlineEntry
    {
        public List<(long Ticket, DateTimeOffset At)> Fired { get; } = [];

        protected internal override void OnDeadline(long ticket)
        {
            Fired.Add((ticket, time.GetUtcNow()));
            onFire?.Invoke();
        }
    }
}
