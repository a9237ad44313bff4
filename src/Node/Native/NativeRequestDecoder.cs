namespace RingStore.Node.Native;

/// <summary>
/// Decodes a request body by opcode into a <see cref="NativeRequest"/>. Pure: bytes in, record out, or a
/// <see cref="NativeProtocolException"/> for anything malformed (unknown opcode, truncation, trailing bytes).
/// </summary>
public static class NativeRequestDecoder
{
    private const byte ValuesFlag = 0x01;
    private const byte SkipMetadataFlag = 0x02;
    private const byte PageSizeFlag = 0x04;
    private const byte PagingStateFlag = 0x08;
    private const byte SerialConsistencyFlag = 0x10;
    private const byte DefaultTimestampFlag = 0x20;
    private const byte NamesFlag = 0x40;

    public static NativeRequest Decode(NativeOpcode opcode, ReadOnlySpan<byte> body)
    {
        var r = new NativeReader(body);
        NativeRequest request = opcode switch
        {
            NativeOpcode.Options => new OptionsRequest(),
            NativeOpcode.Startup => new StartupRequest(r.ReadStringMap()),
            NativeOpcode.AuthResponse => new AuthResponseRequest(r.ReadBytes()),
            NativeOpcode.Register => new RegisterRequest(r.ReadStringList()),
            NativeOpcode.Query => new QueryRequest(r.ReadLongString(), ReadParameters(ref r)),
            NativeOpcode.Prepare => new PrepareRequest(r.ReadLongString()),
            NativeOpcode.Execute => new ExecuteRequest(r.ReadShortBytes(), ReadParameters(ref r)),
            NativeOpcode.Batch => ReadBatch(ref r),
            _ => throw new NativeProtocolException($"Unknown or unexpected opcode 0x{(byte)opcode:X2} in a request"),
        };
        r.EnsureEnd();
        return request;
    }

    /// <summary>The body after a request's custom payload ([bytes map], header flag 0x04), which RingStore ignores.</summary>
    public static byte[] SkipCustomPayload(byte[] body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var r = new NativeReader(body);
        int count = r.ReadCount(6);
        for (int i = 0; i < count; i++)
        {
            r.ReadString();
            r.ReadBytes();
        }
        return body[(body.Length - r.Remaining)..];
    }

    private static NativeQueryParameters ReadParameters(ref NativeReader r)
    {
        ushort consistency = r.ReadUShort();
        byte flags = r.ReadByte();
        if ((flags & 0x80) != 0) throw new NativeProtocolException($"Unknown query flags 0x{flags:X2}");
        IReadOnlyList<NativeValue> values = [];
        List<string>? names = null;
        if ((flags & ValuesFlag) != 0)
        {
            bool named = (flags & NamesFlag) != 0;
            int count = r.ReadCount(named ? 6 : 4);
            var list = new List<NativeValue>(count);
            if (named) names = new List<string>(count);
            for (int i = 0; i < count; i++)
            {
                if (named) names!.Add(r.ReadString());
                list.Add(r.ReadValue());
            }
            values = list;
        }
        int pageSize = (flags & PageSizeFlag) != 0 ? r.ReadInt() : -1;
        byte[]? pagingState = (flags & PagingStateFlag) != 0 ? r.ReadBytes() : null;
        ushort? serial = (flags & SerialConsistencyFlag) != 0 ? r.ReadUShort() : null;
        long? timestamp = (flags & DefaultTimestampFlag) != 0 ? r.ReadLong() : null;
        return new NativeQueryParameters(consistency, values, names, (flags & SkipMetadataFlag) != 0, pageSize, pagingState, serial, timestamp);
    }

    private static BatchRequest ReadBatch(ref NativeReader r)
    {
        byte type = r.ReadByte();
        if (type > 2) throw new NativeProtocolException($"Unknown batch type {type}");
        int count = r.ReadCount(5);
        var children = new List<BatchChild>(count);
        for (int i = 0; i < count; i++)
        {
            byte kind = r.ReadByte();
            string? query = null;
            byte[]? id = null;
            if (kind == 0) query = r.ReadLongString();
            else if (kind == 1) id = r.ReadShortBytes();
            else throw new NativeProtocolException($"Unknown batch statement kind {kind}");
            int n = r.ReadCount(4);
            var values = new List<NativeValue>(n);
            for (int j = 0; j < n; j++) values.Add(r.ReadValue());
            children.Add(new BatchChild(query, id, values));
        }
        ushort consistency = r.ReadUShort();
        byte flags = r.ReadByte();
        if ((flags & NamesFlag) != 0) throw new NativeProtocolException("Named values are not supported in BATCH");
        ushort? serial = (flags & SerialConsistencyFlag) != 0 ? r.ReadUShort() : null;
        long? timestamp = (flags & DefaultTimestampFlag) != 0 ? r.ReadLong() : null;
        return new BatchRequest(type, children, consistency, serial, timestamp);
    }
}
