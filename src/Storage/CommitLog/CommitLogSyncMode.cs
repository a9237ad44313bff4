namespace RingStore.Storage.CommitLog;

/// <summary>When an append is made durable. Persisted in configuration files: values are explicit and append-only.</summary>
public enum CommitLogSyncMode : byte
{
    /// <summary>Appends return once in the log buffer; a background sync makes them durable within the sync interval.</summary>
    Periodic = 0,

    /// <summary>Appends return only after an fsync covers them; writers within the group-commit window share one fsync.</summary>
    Group = 1,
}
