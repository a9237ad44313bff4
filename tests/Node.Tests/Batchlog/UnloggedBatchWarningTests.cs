using Microsoft.Extensions.Logging;
using RingStore.Core.Data;
using RingStore.Core.Schema;
using RingStore.Node.Batchlog;
using ColumnType = RingStore.Core.Schema.ColumnType;

namespace RingStore.Node.Tests.Batchlog;

public class UnloggedBatchWarningTests
{
    private static readonly TableSchema Table = new("ks", "t", [new ColumnDefinition("pk", ColumnType.Int)], [], [new ColumnDefinition("v", ColumnType.Text)]);

    private static List<(TableSchema, PartitionUpdate)> Partitions(int count) =>
        [.. Enumerable.Range(0, count).Select(i => (Table, PartitionUpdate.OfRows(Table.FullName, [0, 0, 0, (byte)i])))];

    [Fact]
    public void Over_the_threshold_it_logs_one_warning_naming_the_tables_and_at_or_under_it_nothing()
    {
        var logger = new ListLogger();
        var warning = new UnloggedBatchWarning(3, logger);

        Assert.False(warning.Check(Partitions(3)));
        Assert.Empty(logger.Warnings);
        Assert.True(warning.Check(Partitions(4)));
        var message = Assert.Single(logger.Warnings);
        Assert.Contains("Unlogged batch covering 4 partitions", message, StringComparison.Ordinal);
        Assert.Contains("[ks.t]", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Zero_turns_it_off() => Assert.False(new UnloggedBatchWarning(0, new ListLogger()).Check(Partitions(100)));

    private sealed class ListLogger : ILogger
    {
        public List<string> Warnings { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel == LogLevel.Warning) Warnings.Add(formatter(state, exception));
        }
    }
}
