using System.Collections;
using System.Diagnostics.CodeAnalysis;
using RingStore.Gossip.State;

namespace RingStore.Gossip.Protocol;

/// <summary>The gossiper's peers seen as endpoint -> state, in the peer dictionary's order, without copying.</summary>
internal sealed class EndpointStatesView(Dictionary<string, PeerEntry> peers) : IReadOnlyDictionary<string, EndpointState>
{
    public int Count => peers.Count;

    public IEnumerable<string> Keys => peers.Keys;

    public IEnumerable<EndpointState> Values => peers.Values.Select(p => p.State);

    public EndpointState this[string key] => peers[key].State;

    public bool ContainsKey(string key) => peers.ContainsKey(key);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out EndpointState value)
    {
        if (peers.TryGetValue(key, out PeerEntry? peer))
        {
            value = peer.State;
            return true;
        }
        value = null;
        return false;
    }

    public IEnumerator<KeyValuePair<string, EndpointState>> GetEnumerator()
    {
        foreach (var (endpoint, peer) in peers)
        {
            yield return KeyValuePair.Create(endpoint, peer.State);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
