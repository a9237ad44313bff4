namespace RingStore.Storage.CommitLog;

/// <summary>
/// Global commit-log positions across generations: position = ((generation - 1) &lt;&lt; 48) + FasterLog address.
/// FasterLog addresses use 48 bits, so positions of a later generation are always greater than any position of an
/// earlier one, and generation 1 keeps the plain FasterLog addresses logs had before generations existed (replay
/// floors recorded by older versions stay valid). Pure arithmetic.
/// </summary>
internal static class GenerationPositions
{
    public const int AddressBits = 48;

    /// <summary>Highest generation number whose positions still fit in a positive long.</summary>
    public const int MaxGeneration = 1 << (63 - AddressBits);

    public static long Base(int generation)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(generation, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(generation, MaxGeneration);
        return (long)(generation - 1) << AddressBits;
    }

    /// <summary>The generation a position belongs to (positions below generation 1's range count as generation 1).</summary>
    public static int GenerationOf(long position) => position <= 0 ? 1 : (int)(position >> AddressBits) + 1;
}
