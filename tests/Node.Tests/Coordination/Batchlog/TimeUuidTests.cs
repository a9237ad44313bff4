using CsCheck;
using RingStore.Coordination.Batchlog;
using RingStore.Core.Schema;
using RingStore.Core.Values;

namespace RingStore.Node.Tests.Coordination.Batchlog;

public class TimeUuidTests
{
    [Fact]
    public void A_time_uuid_is_version_1_of_the_RFC_variant_and_tells_its_time()
    {
        var at = new DateTimeOffset(2026, 12, 7, 8, 30, 0, TimeSpan.Zero).AddTicks(1234567);
        var id = TimeUuid.Create(at, [1, 2, 3, 4, 5, 6, 7, 8]);

        var bytes = id.ToByteArray(bigEndian: true);
        Assert.Equal(1, bytes[6] >> 4);
        Assert.Equal(0b10, bytes[8] >> 6);
        Assert.Equal(at, TimeUuid.TimeOf(id));
        // The CQL timeuuid type accepts it (it checks the version).
        ValueCodec.Validate(ColumnType.TimeUuid, ValueCodec.Serialize(ColumnType.TimeUuid, id), "id");
    }

    [Fact]
    public void Time_round_trips_for_any_time_and_random_bytes() =>
        Gen.Select(Gen.Long[0, new DateTimeOffset(3000, 1, 1, 0, 0, 0, TimeSpan.Zero).UtcTicks - new DateTimeOffset(1600, 1, 1, 0, 0, 0, TimeSpan.Zero).UtcTicks],
                Gen.Byte.Array[8])
            .Sample((ticks, random) =>
            {
                var at = new DateTimeOffset(1600, 1, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(ticks);
                return TimeUuid.TimeOf(TimeUuid.Create(at, random)) == at;
            });

    [Fact]
    public void Other_uuid_versions_and_short_randomness_are_refused()
    {
        Assert.Throws<ArgumentException>(() => TimeUuid.TimeOf(Guid.NewGuid()));
        Assert.Throws<ArgumentException>(() => TimeUuid.Create(DateTimeOffset.UnixEpoch, [1, 2, 3]));
    }
}
