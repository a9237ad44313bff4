namespace RingStore.Storage.CommitLog;

/// <summary>
/// A checksum-failing or unreadable entry in the middle of the commit log (valid entries follow it), so replay cannot
/// continue without losing acknowledged writes. Names the segment file and the byte offset inside it so an operator
/// can inspect it; <see cref="CommitLogOptions.SkipCorruptEntries"/> is the explicit way past it.
/// </summary>
public sealed class CommitLogCorruptionException : Exception
{
    /// <summary>The node's command-line switch that maps to <see cref="CommitLogOptions.SkipCorruptEntries"/>.</summary>
    public const string IgnoreSwitch = "--commitlog-ignore-replay-errors";

    /// <summary>Full path of the segment file holding the corrupt entry.</summary>
    public string File { get; }

    /// <summary>Byte offset of the corrupt entry inside <see cref="File"/>.</summary>
    public long Offset { get; }

    public CommitLogCorruptionException(string file, long offset, string reason)
        : base($"Commit log corrupt at {file} offset {offset}: {reason}. Replay stops here rather than lose writes. To start anyway, " +
            $"start the node with {IgnoreSwitch} true (in the storage engine: {nameof(Engine.StorageEngineOptions.SkipCorruptCommitLogEntries)}): " +
            "the mutations in the corrupt entries are then lost on this replica; repair, hints and read repair restore them from " +
            "the other replicas (with replication factor 1 they are lost for good).")
    {
        File = file;
        Offset = offset;
    }

    public CommitLogCorruptionException() : this("?", -1, "unknown") { }

    public CommitLogCorruptionException(string message) : base(message)
    {
        File = "?";
        Offset = -1;
    }

    public CommitLogCorruptionException(string message, Exception innerException) : base(message, innerException)
    {
        File = "?";
        Offset = -1;
    }
}
