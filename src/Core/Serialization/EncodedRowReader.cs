using RingStore.Core.Data;

namespace RingStore.Core.Serialization;

/// <summary>
/// The one reader of the row encoding <see cref="DataSerializer.WriteRow"/> writes: clustering, liveness, deletion,
/// then each cell's metadata and value, without allocating or copying. <see cref="DataSerializer.ReadRow"/> builds
/// Row objects on it; a memtable flush, which copies rows it holds encoded straight to the SSTable, reads only the
/// metadata its statistics need (decoding every row to objects for that was most of the flush's garbage).
/// The row may be followed by other data: <see cref="BytesRead"/> says where it ended once every cell was read.
/// </summary>
public ref struct EncodedRowReader
{
    private BinaryReaderSpan _reader;
    private int _cellsLeft;

    public EncodedRowReader(ReadOnlySpan<byte> encodedRow)
    {
        _reader = new BinaryReaderSpan(encodedRow);
        int clusteringLength = ReadLength(ref _reader, "clustering");
        Clustering = _reader.ReadSpan(clusteringLength);
        byte flags = _reader.ReadByte();
        Liveness = LivenessInfo.None;
        if ((flags & DataSerializer.FlagHasLiveness) != 0) Liveness = LivenessInfo.At(_reader.ReadVarInt());
        if ((flags & DataSerializer.FlagLivenessTtl) != 0)
            Liveness = new LivenessInfo(Liveness.TimestampMicros, (int)_reader.ReadVarUInt(), (int)_reader.ReadVarInt());
        Deletion = (flags & DataSerializer.FlagHasDeletion) != 0 ? DataSerializer.ReadDeletion(ref _reader) : DeletionTime.Live;
        _cellsLeft = ReadLength(ref _reader, "cells");
    }

    public ReadOnlySpan<byte> Clustering { get; }

    public LivenessInfo Liveness { get; }

    public DeletionTime Deletion { get; }

    /// <summary>Cells not read yet.</summary>
    public readonly int CellsLeft => _cellsLeft;

    /// <summary>Bytes of the row consumed so far (the whole row once <see cref="CellsLeft"/> is 0).</summary>
    public readonly int BytesRead => _reader.Position;

    /// <summary>The next cell's metadata (its value skipped); false after the last cell.</summary>
    public bool TryReadCell(out CellMetadata cell) => TryReadCell(out cell, out _);

    /// <summary>The next cell's metadata and value (empty for a tombstone); false after the last cell.</summary>
    public bool TryReadCell(out CellMetadata cell, out ReadOnlySpan<byte> value)
    {
        value = default;
        if (_cellsLeft == 0)
        {
            cell = default;
            return false;
        }
        _cellsLeft--;
        int column = (int)_reader.ReadVarUInt();
        byte kind = _reader.ReadByte();
        long timestamp = _reader.ReadVarInt();
        if (kind == DataSerializer.CellTombstone)
        {
            cell = new CellMetadata(column, timestamp, 0, (int)_reader.ReadVarInt(), IsTombstone: true);
            return true;
        }
        int ttl = 0, localDeletionTime = Cell.NoDeletion;
        if (kind == DataSerializer.CellExpiring)
        {
            ttl = (int)_reader.ReadVarUInt();
            localDeletionTime = (int)_reader.ReadVarInt();
        }
        else if (kind != 0) throw new FormatException($"Unknown cell kind {kind}.");
        value = _reader.ReadSpan(ReadLength(ref _reader, "cell value"));
        cell = new CellMetadata(column, timestamp, ttl, localDeletionTime, IsTombstone: false);
        return true;
    }

    private static int ReadLength(ref BinaryReaderSpan r, string what)
    {
        ulong n = r.ReadVarUInt();
        if (n > (ulong)r.Remaining) throw new FormatException($"{n} bytes of {what} claimed with {r.Remaining} bytes left.");
        return (int)n;
    }
}

/// <summary>A cell's metadata as <see cref="EncodedRowReader"/> reads it (the value is not read).</summary>
public readonly record struct CellMetadata(int Column, long TimestampMicros, int TtlSeconds, int LocalDeletionTimeSeconds, bool IsTombstone);
