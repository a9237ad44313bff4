using RingStore.Core.Partitioning;
using RingStore.Gossip.State;

namespace RingStore.Gossip.Ring;

/// <summary>
/// Turns gossip endpoint states into ring roles. Identity is the host id, not the address, and the rules are
/// applied in this order, so every node that has the same states resolves the same ring:
/// <list type="number">
/// <item>No STATUS or no TOKENS, or LEFT: out (a joining node before it announces, a decommissioned node).</item>
/// <item>A host id listed as REMOVED by any node's REMOVAL state: out; listed as REMOVING: removing.</item>
/// <item>A host id that a NORMAL --replace node names: out (replaced); named by a joining replacement: being replaced.</item>
/// <item>One host id at two addresses (a node restarted elsewhere): the newer gossip generation wins, the other is out.</item>
/// <item>Two members claiming one token: the one with the newer generation is kept and the other is out, with a
/// reason naming both, so the ring always builds and the conflict is visible in status and logs.</item>
/// </list>
/// Pure: no clock, no I/O; endpoints are visited in ordinal order.
/// </summary>
public static class MembershipResolver
{
    public static IReadOnlyList<ResolvedMember> Resolve(IReadOnlyDictionary<string, EndpointState> states)
    {
        ArgumentNullException.ThrowIfNull(states);
        var removing = new HashSet<Guid>();
        var removed = new HashSet<Guid>();
        var replacedBy = new Dictionary<Guid, (string Endpoint, bool Finished)>();
        foreach (var (endpoint, state) in states.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            foreach (var (hostId, finished) in Removals.Parse(state.Get(ApplicationState.Removal)))
            {
                (finished ? removed : removing).Add(hostId);
            }
            if (Guid.TryParse(state.Get(ApplicationState.Replacing), out Guid old) && state.Status is NodeStatus.Boot or NodeStatus.Normal or NodeStatus.Shutdown
                && TokensValue.Parse(state.Get(ApplicationState.Tokens)).Count > 0)
            {
                bool finished = state.Status != NodeStatus.Boot;
                if (!replacedBy.TryGetValue(old, out var seen) || (finished && !seen.Finished)) replacedBy[old] = (endpoint, finished);
            }
        }
        removing.ExceptWith(removed);

        var members = new List<ResolvedMember>();
        foreach (var (endpoint, state) in states.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var node = new NodeInfo(endpoint, state.Get(ApplicationState.Datacenter) ?? "dc1", state.Get(ApplicationState.Rack) ?? "rack1");
            Guid hostId = Guid.TryParse(state.Get(ApplicationState.HostId), out Guid id) ? id : Guid.Empty;
            IReadOnlyList<Token> tokens = TokensValue.Parse(state.Get(ApplicationState.Tokens));
            string? status = state.Status;
            ResolvedMember member = new(node, hostId, tokens, MemberRole.Out) { DisplayStatus = status ?? "UNKNOWN" };
            if (status is null || tokens.Count == 0)
            {
                members.Add(member with { Reason = "has not announced tokens" });
                continue;
            }
            if (status == NodeStatus.Left)
            {
                members.Add(member with { Reason = "left the ring" });
                continue;
            }
            if (removed.Contains(hostId))
            {
                members.Add(member with { Reason = "removed by removenode", DisplayStatus = NodeStatus.Removed });
                continue;
            }
            if (replacedBy.TryGetValue(hostId, out var replacement) && replacement.Endpoint != endpoint)
            {
                members.Add(replacement.Finished
                    ? member with { Reason = $"replaced by {replacement.Endpoint}", DisplayStatus = NodeStatus.Removed }
                    : member with { Role = MemberRole.BeingReplaced, DisplayStatus = NodeStatus.Leaving });
                continue;
            }
            MemberRole role = status switch
            {
                NodeStatus.Boot => MemberRole.Joining,
                NodeStatus.Leaving => MemberRole.Leaving,
                NodeStatus.Normal or NodeStatus.Shutdown => removing.Contains(hostId) ? MemberRole.Removing : MemberRole.Normal,
                _ => MemberRole.Out, // unknown verbs from newer versions: not an owner until it says NORMAL
            };
            members.Add(member with
            {
                Role = role,
                Reason = role == MemberRole.Out ? $"unknown status {status}" : null,
                DisplayStatus = role == MemberRole.Removing ? NodeStatus.Removing : status,
            });
        }

        SupersedeOldIncarnations(members, states);
        ResolveTokenConflicts(members, states, replacedBy);
        return members;
    }

    /// <summary>One host id at two addresses: keep the newest generation (the node restarted on a new address).</summary>
    private static void SupersedeOldIncarnations(List<ResolvedMember> members, IReadOnlyDictionary<string, EndpointState> states)
    {
        foreach (var group in members.Where(m => m.Role != MemberRole.Out && m.HostId != Guid.Empty).GroupBy(m => m.HostId).Where(g => g.Count() > 1))
        {
            ResolvedMember newest = group.OrderByDescending(m => states[m.Endpoint].Heartbeat.Generation)
                .ThenBy(m => m.Endpoint, StringComparer.Ordinal).First();
            foreach (var old in group.Where(m => !ReferenceEquals(m, newest)))
            {
                Replace(members, old, old with { Role = MemberRole.Out, Reason = $"host {old.HostId} moved to {newest.Endpoint}", DisplayStatus = "MOVED" });
            }
        }
    }

    /// <summary>Two in-ring members claiming one token: the newer generation keeps its claim, the other is out.</summary>
    private static void ResolveTokenConflicts(List<ResolvedMember> members, IReadOnlyDictionary<string, EndpointState> states,
        Dictionary<Guid, (string Endpoint, bool Finished)> replacedBy)
    {
        var claims = new Dictionary<long, ResolvedMember>();
        // Owners first, then joiners: a joining node never pushes an owner out. Within a role, newer generations first.
        var ordered = members.Where(m => m.Role != MemberRole.Out)
            .OrderBy(m => m.Role is MemberRole.Joining ? 1 : 0)
            .ThenByDescending(m => states[m.Endpoint].Heartbeat.Generation)
            .ThenBy(m => m.Endpoint, StringComparer.Ordinal)
            .ToList();
        foreach (var member in ordered)
        {
            ResolvedMember? clash = null;
            foreach (Token t in member.Tokens)
            {
                // A joining replacement shares its tokens with the node it replaces, by design: that is not a conflict.
                // Only that pair: an owner, a second replacement or a leaving ex-replacement sharing them would put one
                // token in the ring twice.
                if (claims.TryGetValue(t.Value, out var holder) &&
                    !(member.Role == MemberRole.Joining && holder.Role == MemberRole.BeingReplaced
                      && replacedBy.TryGetValue(holder.HostId, out var replacement) && replacement.Endpoint == member.Endpoint))
                {
                    clash = holder;
                    break;
                }
            }
            if (clash is not null)
            {
                Replace(members, member, member with
                {
                    Role = MemberRole.Out,
                    Reason = $"token conflict: {member.Endpoint} (host {member.HostId}) and {clash.Endpoint} (host {clash.HostId}) claim the same tokens",
                    DisplayStatus = "CONFLICT",
                });
                continue;
            }
            foreach (Token t in member.Tokens) claims.TryAdd(t.Value, member);
        }
    }

    private static void Replace(List<ResolvedMember> members, ResolvedMember old, ResolvedMember updated) =>
        members[members.FindIndex(m => ReferenceEquals(m, old))] = updated;
}
