using RingStore.Core.Errors;
using RingStore.Core.Schema;
using RingStore.Cql.Ast;

namespace RingStore.Node.Cql;

/// <summary>The timestamp (microseconds), TTL (seconds, 0 = none) and local time of one write.</summary>
public sealed record WriteOptions(long TimestampMicros, int TtlSeconds, int NowSeconds)
{
    /// <summary>Cassandra's MAX_TTL: 20 years.</summary>
    public const int MaxTtlSeconds = 630_720_000;

    /// <summary>
    /// USING TIMESTAMP, else the batch's, else the client's, else the coordinator's clock; USING TTL (0 = none,
    /// overriding the table default), else the table's default_time_to_live.
    /// </summary>
    public static WriteOptions For(TableSchema table, UsingClause @using, TermBinder binder, long defaultTimestampMicros, int nowSeconds)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(@using);
        ArgumentNullException.ThrowIfNull(binder);
        long timestamp = @using.Timestamp is null ? defaultTimestampMicros : (long)(binder.Value(@using.Timestamp, ColumnType.BigInt, "[timestamp]")
            ?? throw new InvalidRequestException("Invalid null value of timestamp"));
        if (timestamp == long.MinValue) throw new InvalidRequestException($"Invalid timestamp {timestamp}");
        int ttl = table.Options.DefaultTimeToLiveSeconds;
        if (@using.TimeToLive is not null)
        {
            ttl = (int)(binder.Value(@using.TimeToLive, ColumnType.Int, "[ttl]") ?? throw new InvalidRequestException("Invalid null value of TTL"));
            if (ttl < 0) throw new InvalidRequestException($"A TTL must be greater or equal to 0, but was {ttl}");
            if (ttl > MaxTtlSeconds) throw new InvalidRequestException($"ttl is too large. requested ({ttl}) maximum ({MaxTtlSeconds})");
        }
        return new WriteOptions(timestamp, ttl, nowSeconds);
    }
}
