using CsCheck;
using RingStore.Storage.Engine;

namespace RingStore.Storage.Tests.Engine;

/// <summary>Properties of the pure choice of which memtables to flush for the memory budget and the commit-log cap.</summary>
public class FlushPlannerTests
{
    private static readonly Gen<MemtableState[]> Tables =
        Gen.Select(Gen.Long[0, 1000], Gen.Long[0, 1000], Gen.Long[0, 10_000], Gen.Bool)
            .Array[0, 12]
            .Select(rows => rows.Select((r, i) => new MemtableState($"t{i}", r.Item1, r.Item2, r.Item1 == 0 || r.Item4 ? long.MaxValue : r.Item3)).ToArray());

    [Fact]
    public void Memory_choice_brings_active_bytes_under_the_mark_taking_the_largest_first_and_no_more_than_needed()
    {
        Gen.Select(Tables, Gen.Long[0, 8000], Gen.Double[0.1, 1.0]).Sample((tables, budget, fraction) =>
        {
            long mark = (long)(budget * fraction);
            var chosen = FlushPlanner.ForMemory(tables, budget, fraction);
            var byName = tables.ToDictionary(t => t.Table);
            long active = tables.Sum(t => t.ActiveBytes);
            long left = active - chosen.Sum(n => byName[n].ActiveBytes);
            if (active <= mark) return chosen.Count == 0;
            bool under = left <= mark;
            bool distinct = chosen.Distinct().Count() == chosen.Count;
            bool nonEmpty = chosen.All(n => byName[n].ActiveBytes > 0);
            // Largest first: nothing left behind is larger than anything taken.
            long smallestTaken = chosen.Count == 0 ? long.MaxValue : chosen.Min(n => byName[n].ActiveBytes);
            bool largest = tables.Where(t => !chosen.Contains(t.Table)).All(t => t.ActiveBytes <= smallestTaken);
            bool descending = chosen.Select(n => byName[n].ActiveBytes).Zip(chosen.Skip(1).Select(n => byName[n].ActiveBytes)).All(p => p.First >= p.Second);
            // Minimal: without the last one taken, the active bytes would still be over the mark.
            bool minimal = left + byName[chosen[^1]].ActiveBytes > mark;
            return under && distinct && nonEmpty && largest && descending && minimal;
        });
    }

    [Fact]
    public void Commit_log_choice_takes_every_table_pinning_the_older_half_oldest_first_and_nothing_within_the_cap()
    {
        Gen.Select(Tables, Gen.Long[0, 5000], Gen.Long[0, 10_000], Gen.Long[1, 10_000]).Sample((tables, begin, length, cap) =>
        {
            long tail = begin + length;
            var chosen = FlushPlanner.ForCommitLog(tables, begin, tail, cap);
            if (length <= cap) return chosen.Count == 0;
            long target = tail - (cap / 2);
            var expected = tables.Where(t => t.ActiveBytes > 0 && t.ActiveLowestLogPosition < target).Select(t => t.Table).ToHashSet();
            var positions = chosen.Select(n => tables.Single(t => t.Table == n).ActiveLowestLogPosition).ToArray();
            bool oldestFirst = positions.Zip(positions.Skip(1)).All(p => p.First <= p.Second);
            // Once they are flushed, nothing unflushed in an active memtable is older than the target.
            return expected.SetEquals(chosen) && chosen.Count == expected.Count && oldestFirst;
        });
    }

    [Fact]
    public void The_idle_table_holding_the_oldest_entry_is_chosen_when_the_log_is_over_its_cap()
    {
        MemtableState[] tables = [new("busy", 900, 0, 9_000), new("idle", 40, 0, 10)];
        Assert.Equal(["idle"], FlushPlanner.ForCommitLog(tables, 0, 10_000, 4_000));
        Assert.Empty(FlushPlanner.ForCommitLog(tables, 0, 10_000, 10_000));
    }
}
