using CsCheck;
using Microsoft.Extensions.Time.Testing;
using RingStore.Storage.CommitLog;

namespace RingStore.Storage.Tests.CommitLog;

/// <summary>The pure rules of commit-log generations: positions, replay order, deletion, size, retry schedule. No I/O.</summary>
public sealed class GenerationBookkeepingTests
{
    private const long AddressLimit = 1L << GenerationPositions.AddressBits;

    /// <summary>Live generations: increasing numbers (gaps where some were deleted), each with begin &lt;= tail inside its range.</summary>
    private static readonly Gen<GenerationSpan[]> Live =
        Gen.Select(Gen.Int[1, 40], Gen.Int[0, 3], Gen.Long[64, 1L << 30], Gen.Long[0, 1L << 30]).Array[1, 6].Select(parts =>
        {
            var spans = new GenerationSpan[parts.Length];
            int number = 0;
            for (int i = 0; i < parts.Length; i++)
            {
                var (first, gap, begin, length) = parts[i];
                number = i == 0 ? first : number + 1 + gap;
                long b = GenerationPositions.Base(number) + begin;
                spans[i] = new GenerationSpan(number, b, b + length);
            }
            return spans;
        });

    [Fact]
    public void Positions_of_a_later_generation_are_above_every_position_of_an_earlier_one() =>
        Gen.Select(Gen.Int[1, 1000], Gen.Long[0, AddressLimit - 1], Gen.Long[0, AddressLimit - 1]).Sample((g, a, b) =>
        {
            long early = GenerationPositions.Base(g) + a;
            long late = GenerationPositions.Base(g + 1) + b;
            Assert.True(early < late);
            Assert.Equal(g, GenerationPositions.GenerationOf(early));
            Assert.Equal(g + 1, GenerationPositions.GenerationOf(late));
        });

    [Fact]
    public void Generation_one_keeps_plain_FasterLog_addresses() =>
        Assert.Equal(0, GenerationPositions.Base(1));

    [Fact]
    public void Replay_order_is_numeric_not_by_name() =>
        Gen.Int[1, 200].List[0, 30].Sample(numbers =>
        {
            var order = GenerationBookkeeping.ReplayOrder(numbers);
            Assert.Equal(numbers.Distinct().OrderBy(n => n).ToArray(), order);
            // The names sort differently (g10 < g9 as strings); the order must not come from them.
            Assert.Equal(order, order.OrderBy(n => n).ToArray());
        });

    [Fact]
    public void A_generation_is_deleted_only_once_the_release_is_past_its_last_entry_and_never_the_current_one() =>
        Gen.Select(Live, Gen.Long[0, long.MaxValue / 2]).Sample((live, pick) =>
        {
            // Release positions the engine can produce: anywhere from the oldest begin to the current tail.
            long span = live[^1].Tail - live[0].Begin;
            long release = live[0].Begin + (span == 0 ? 0 : pick % (span + 1));
            var deleted = GenerationBookkeeping.Deletable(live, release);
            Assert.DoesNotContain(live[^1].Generation, deleted);
            foreach (var g in live.Take(live.Length - 1))
            {
                bool releasedPast = release >= GenerationPositions.Base(g.Generation + 1);
                Assert.Equal(releasedPast, deleted.Contains(g.Generation));
                if (deleted.Contains(g.Generation))
                    Assert.True(release >= g.Tail, "deleted while an entry of it may still be unflushed");
            }
        });

    [Fact]
    public void Total_bytes_count_every_generation_and_the_kept_position_leaves_at_most_that_many() =>
        Gen.Select(Live, Gen.Long[0, 1L << 32]).Sample((live, keep) =>
        {
            long total = GenerationBookkeeping.TotalBytes(live);
            Assert.Equal(live.Sum(g => g.Tail - g.Begin), total);
            long position = GenerationBookkeeping.PositionKeeping(live, keep);
            // Bytes at or after the position, over all generations:
            long after = live.Sum(g => Math.Max(0, g.Tail - Math.Max(g.Begin, position)));
            Assert.Equal(Math.Min(keep, total), after);
        });

    [Fact]
    public void Retries_back_off_until_a_generation_commits_then_start_over()
    {
        var time = new FakeTimeProvider();
        var retry = new GenerationRetry(time, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(4));
        Assert.True(retry.TryBeginAttempt()); // first attempt at once
        Assert.False(retry.TryBeginAttempt());
        time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.False(retry.TryBeginAttempt());
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(retry.TryBeginAttempt()); // after 1 s
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(retry.TryBeginAttempt()); // now 2 s
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(retry.TryBeginAttempt());
        time.Advance(TimeSpan.FromSeconds(4));
        Assert.True(retry.TryBeginAttempt()); // capped at 4 s
        time.Advance(TimeSpan.FromSeconds(4));
        Assert.True(retry.TryBeginAttempt());
        retry.Reset();
        Assert.True(retry.TryBeginAttempt());
        Assert.False(retry.TryBeginAttempt());
    }
}
