namespace RingStore.Coordination.Batchlog;

/// <summary>
/// Version-1 (time-based) UUIDs, as Cassandra names batchlog entries: the 60-bit count of 100 ns intervals since
/// 1582-10-15 in the time fields, then a clock sequence and a node id. The caller passes the time and the 8 random
/// bytes (this assembly reads no clock and owns no unseeded Random), so ids sort by time within a coordinator and
/// two coordinators never collide in practice (62 random bits beside the timestamp).
/// </summary>
public static class TimeUuid
{
    // 1582-10-15T00:00Z, the Gregorian reform: the UUID epoch, in .NET ticks (also 100 ns).
    private static readonly long GregorianEpochTicks = new DateTimeOffset(1582, 10, 15, 0, 0, 0, TimeSpan.Zero).UtcTicks;

    /// <param name="at">The time the id stands for (100 ns resolution).</param>
    /// <param name="random">8 random bytes: clock sequence (14 bits used) and node (48 bits; its multicast bit set, as RFC 4122 asks for random node ids).</param>
    public static Guid Create(DateTimeOffset at, ReadOnlySpan<byte> random)
    {
        if (random.Length < 8) throw new ArgumentException("A time UUID needs 8 random bytes.", nameof(random));
        long intervals = at.UtcTicks - GregorianEpochTicks;
        if (intervals < 0) throw new ArgumentOutOfRangeException(nameof(at), "Time UUIDs start at 1582-10-15.");
        Span<byte> b = stackalloc byte[16];
        uint timeLow = (uint)intervals;
        ushort timeMid = (ushort)(intervals >> 32);
        ushort timeHi = (ushort)((intervals >> 48) & 0x0FFF);
        b[0] = (byte)(timeLow >> 24);
        b[1] = (byte)(timeLow >> 16);
        b[2] = (byte)(timeLow >> 8);
        b[3] = (byte)timeLow;
        b[4] = (byte)(timeMid >> 8);
        b[5] = (byte)timeMid;
        b[6] = (byte)(0x10 | (timeHi >> 8)); // version 1
        b[7] = (byte)timeHi;
        b[8] = (byte)(0x80 | (random[0] & 0x3F)); // RFC 4122 variant
        b[9] = random[1];
        b[10] = (byte)(random[2] | 0x01); // multicast bit: a random node id, not a MAC address
        random[3..8].CopyTo(b[11..]);
        return new Guid(b, bigEndian: true);
    }

    /// <summary>The time a version-1 UUID stands for.</summary>
    /// <exception cref="ArgumentException">Not a version-1 UUID.</exception>
    public static DateTimeOffset TimeOf(Guid id)
    {
        Span<byte> b = stackalloc byte[16];
        id.TryWriteBytes(b, bigEndian: true, out _);
        if (b[6] >> 4 != 1) throw new ArgumentException($"{id} is a version-{b[6] >> 4} UUID, not a time UUID.", nameof(id));
        long timeLow = ((long)b[0] << 24) | ((long)b[1] << 16) | ((long)b[2] << 8) | b[3];
        long timeMid = ((long)b[4] << 8) | b[5];
        long timeHi = ((long)(b[6] & 0x0F) << 8) | b[7];
        long intervals = (timeHi << 48) | (timeMid << 32) | timeLow;
        return new DateTimeOffset(GregorianEpochTicks + intervals, TimeSpan.Zero);
    }
}
