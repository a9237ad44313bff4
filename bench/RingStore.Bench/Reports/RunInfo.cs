using System.Globalization;
using RingStore.Bench.Measurement;

namespace RingStore.Bench.Reports;

/// <summary>When, where and how a scenario ran: goes into every JSON and report, since the machine is shared.</summary>
public sealed record RunInfo(string Date, string Machine, string Command, double LoadAverageAtStart)
{
    public double LoadAverageAtEnd { get; set; }

    public static RunInfo Now(string scenario, string[] args) => new(
        DateTimeOffset.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture),
        MachineInfo.Describe(),
        $"dotnet run -c Release --project bench/RingStore.Bench -- {scenario}" + (args.Length > 0 ? " " + string.Join(' ', args) : ""),
        MachineInfo.LoadAverage1m());
}
