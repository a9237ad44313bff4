using RingStore.Core.Partitioning;

namespace RingStore.Gossip.Ring;

/// <summary>
/// A half-open token range (Left, Right] on the ring. When Left >= Right the range wraps past
/// long.MaxValue back to long.MinValue; Left == Right is the whole ring (a one-token ring owns everything),
/// which is what Cassandra means by the same notation.
/// </summary>
public readonly record struct TokenRange(Token Left, Token Right)
{
    private const double RingSize = 18446744073709551616.0; // 2^64

    public bool IsWrapping => Left >= Right;

    public bool IsFullRing => Left == Right;

    public bool Contains(Token token)
    {
        if (Left == Right)
        {
            return true;
        }
        return Left < Right
            ? token > Left && token <= Right
            : token > Left || token <= Right;
    }

    /// <summary>Number of tokens in the range, modulo 2^64 (the full ring reports 0 here; use <see cref="RingFraction"/>).</summary>
    public ulong WidthModulo => unchecked((ulong)(Right.Value - Left.Value));

    /// <summary>Fraction of the whole ring covered, in [0, 1].</summary>
    public double RingFraction => IsFullRing ? 1.0 : WidthModulo / RingSize;

    /// <summary>
    /// Splits a wrapping range into at most two non-wrapping pieces, so storage can scan token order
    /// without special-casing the wrap. (x, MinValue] style pieces are dropped because no key maps to MinValue.
    /// </summary>
    public IReadOnlyList<TokenRange> Unwrap()
    {
        if (!IsWrapping)
        {
            return [this];
        }
        var pieces = new List<TokenRange>(2);
        if (Left != Token.Maximum)
        {
            pieces.Add(new TokenRange(Left, Token.Maximum));
        }
        if (Right != Token.Minimum)
        {
            pieces.Add(new TokenRange(Token.Minimum, Right));
        }
        return pieces;
    }

    public override string ToString() => $"({Left}, {Right}]";
}
