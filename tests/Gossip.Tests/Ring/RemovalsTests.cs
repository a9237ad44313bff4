using CsCheck;
using RingStore.Gossip.State;

namespace RingStore.Gossip.Tests.Ring;

public class RemovalsTests
{
    private static readonly Guid[] Hosts = [.. Enumerable.Range(1, 5).Select(i => new Guid(i, 0, 0, new byte[8]))];

    [Fact]
    public void With_and_Without_agree_with_a_model_through_Parse()
    {
        // Operations: (host, kind) where kind 0 = removing, 1 = removed, 2 = without.
        Gen.Select(Gen.Int[0, Hosts.Length - 1], Gen.Int[0, 2]).Array[0, 20].Sample(ops =>
        {
            string? value = null;
            var model = new Dictionary<Guid, bool>();
            foreach (var (h, kind) in ops)
            {
                Guid host = Hosts[h];
                if (kind == 2)
                {
                    value = Removals.Without(value, host);
                    model.Remove(host);
                }
                else
                {
                    value = Removals.With(value, host, finished: kind == 1);
                    model[host] = kind == 1;
                }
                var parsed = Removals.Parse(value);
                Assert.Equal(parsed.Count, parsed.Select(p => p.HostId).Distinct().Count());
                Assert.Equal(model.OrderBy(p => p.Key), parsed.Select(p => KeyValuePair.Create(p.HostId, p.Finished)).OrderBy(p => p.Key));
                // Formatting is stable: re-formatting what was parsed gives the same value back.
                string reformatted = parsed.Aggregate((string?)null, (v, e) => Removals.With(v, e.HostId, e.Finished)) ?? "";
                Assert.Equal(value, reformatted);
            }
        });
    }

    [Fact]
    public void Unknown_entry_kinds_and_malformed_entries_are_ignored()
    {
        Guid a = Hosts[0], b = Hosts[1];
        string value = $"MOVING:{a:D};REMOVED:{a:D};;REMOVING:not-a-guid;FUTURE:{b:D}:x;REMOVING:{b:D};removed:{b:D}";
        var parsed = Removals.Parse(value);
        Assert.Equal(new[] { (a, true), (b, false) }, parsed);
        Assert.Empty(Removals.Parse(null));
        Assert.Empty(Removals.Parse(""));
        Assert.Empty(Removals.Parse("GARBAGE"));
        Assert.Equal(new[] { (b, false) }, Removals.Parse(Removals.Without(value, a)));
        Assert.Equal(new[] { (b, false), (a, false) }, Removals.Parse(Removals.With(value, a, finished: false)));
    }
}
