namespace RingStore.Simulation;

/// <summary>Counters that show a run exercised the paths it claims to (repairs, speculation, timeouts...).</summary>
public sealed class SimulationStats
{
    public long Unavailable { get; set; }
    public long WriteTimeouts { get; set; }
    public long ReadTimeouts { get; set; }
    public long DigestMismatches { get; set; }
    public long ReadRepairs { get; set; }
    public long SpeculativeRetries { get; set; }
    public long Kills { get; set; }
    public long Partitions { get; set; }
    public long HintsStored { get; set; }
    public long Events { get; set; }

    public override string ToString() =>
        $"unavailable={Unavailable} writeTimeouts={WriteTimeouts} readTimeouts={ReadTimeouts} mismatches={DigestMismatches} " +
        $"repairs={ReadRepairs} speculative={SpeculativeRetries} kills={Kills} partitions={Partitions} hints={HintsStored} events={Events}";
}
