namespace RingStore.Node.Native;

/// <summary>Builds whole response frames (header + body) so each leaves the connection in one write.</summary>
public static class NativeFrame
{
    public const byte ResponseVersion = NativeFrameHeader.ResponseBit | NativeFrameHeader.SupportedVersion;

    /// <summary>A response on <paramref name="stream"/>; warnings (guardrails) go first in the body with the Warning flag.</summary>
    public static byte[] Response(short stream, NativeOpcode opcode, Action<NativeWriter> body, IReadOnlyCollection<string>? warnings = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        var w = new NativeWriter(64);
        w.Reserve(NativeFrameHeader.Size);
        byte flags = 0;
        if (warnings is { Count: > 0 })
        {
            flags |= NativeFrameHeader.WarningFlag;
            w.WriteStringList(warnings);
        }
        body(w);
        new NativeFrameHeader(ResponseVersion, flags, stream, opcode, w.Length - NativeFrameHeader.Size).Write(w.Patchable(0, NativeFrameHeader.Size));
        return w.ToArray();
    }

    public static byte[] Error(short stream, Exception error, string writeType = "SIMPLE") =>
        Response(stream, NativeOpcode.Error, w => NativeErrorEncoder.Write(w, error, writeType));
}
