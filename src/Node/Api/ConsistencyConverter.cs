using RingStore.Core.Consistency;
using ProtoConsistency = RingStore.Client.Protos.Consistency;

namespace RingStore.Node.Api;

/// <summary>The API's consistency enum (0 = not set) to Core's; unset means ONE, as in cqlsh.</summary>
public static class ConsistencyConverter
{
    public static ConsistencyLevel ToCore(ProtoConsistency consistency) => consistency switch
    {
        ProtoConsistency.Default => ConsistencyLevel.One,
        ProtoConsistency.Any => ConsistencyLevel.Any,
        ProtoConsistency.One => ConsistencyLevel.One,
        ProtoConsistency.Two => ConsistencyLevel.Two,
        ProtoConsistency.Three => ConsistencyLevel.Three,
        ProtoConsistency.Quorum => ConsistencyLevel.Quorum,
        ProtoConsistency.All => ConsistencyLevel.All,
        ProtoConsistency.LocalQuorum => ConsistencyLevel.LocalQuorum,
        ProtoConsistency.EachQuorum => ConsistencyLevel.EachQuorum,
        ProtoConsistency.LocalOne => ConsistencyLevel.LocalOne,
        _ => throw new Core.Errors.InvalidRequestException($"Unknown consistency level {(int)consistency}."),
    };

    public static ProtoConsistency FromCore(ConsistencyLevel consistency) => consistency switch
    {
        ConsistencyLevel.Any => ProtoConsistency.Any,
        ConsistencyLevel.One => ProtoConsistency.One,
        ConsistencyLevel.Two => ProtoConsistency.Two,
        ConsistencyLevel.Three => ProtoConsistency.Three,
        ConsistencyLevel.Quorum => ProtoConsistency.Quorum,
        ConsistencyLevel.All => ProtoConsistency.All,
        ConsistencyLevel.LocalQuorum => ProtoConsistency.LocalQuorum,
        ConsistencyLevel.EachQuorum => ProtoConsistency.EachQuorum,
        ConsistencyLevel.LocalOne => ProtoConsistency.LocalOne,
        _ => ProtoConsistency.Default,
    };
}
