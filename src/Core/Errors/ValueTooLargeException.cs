namespace RingStore.Core.Errors;

/// <summary>A cell value over the configured cap (16 MiB by default).</summary>
public sealed class ValueTooLargeException : InvalidRequestException
{
    public ValueTooLargeException(string column, long sizeBytes, long capBytes)
        : base($"Value of column '{column}' is {sizeBytes} bytes, over the {capBytes}-byte cap.")
    {
        Column = column;
        SizeBytes = sizeBytes;
        CapBytes = capBytes;
    }

    /// <summary>With a message of its own (e.g. a whole mutation over the size limit).</summary>
    public ValueTooLargeException(string column, long sizeBytes, long capBytes, string message)
        : base(message)
    {
        Column = column;
        SizeBytes = sizeBytes;
        CapBytes = capBytes;
    }

    public string Column { get; }
    public long SizeBytes { get; }
    public long CapBytes { get; }
}
