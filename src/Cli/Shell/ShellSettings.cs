using RingStore.Client.Protos;

namespace RingStore.Cli.Shell;

/// <summary>The shell's per-session switches, changed by CONSISTENCY, PAGING, EXPAND and TIMING.</summary>
public sealed class ShellSettings
{
    public const int DefaultPageSize = 100;

    /// <summary>ONE, as cqlsh.</summary>
    public Consistency Consistency { get; set; } = Consistency.One;

    /// <summary>Interactive shells stop after each page and ask for more; scripts always print every row.</summary>
    public bool PagingEnabled { get; set; } = true;

    public int PageSize { get; set; } = DefaultPageSize;

    public bool Expand { get; set; }

    /// <summary>Print how long each statement took (on by default in the interactive shell).</summary>
    public bool Timing { get; set; }
}
