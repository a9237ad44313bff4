using System.Buffers.Binary;
using System.Globalization;
using System.IO.Hashing;
using FASTER.core;

namespace RingStore.Storage.CommitLog;

/// <summary>
/// FasterLog's commit metadata (begin and committed-until addresses), written by us instead of FASTER's
/// DeviceLogCommitCheckpointManager, which (2.6.5) ignores a failed metadata write (it only logs the error code),
/// reports the commit as done, and then deletes the previous commit file: on a full disk that left an empty newest
/// commit file and nothing older, so the next recovery came back empty and every acknowledged entry was lost.
///
/// Here: two slot files in <c>log-commits/</c>, <c>slot.0</c> and <c>slot.1</c>, written in turn: a commit overwrites
/// the slot that does not hold the latest good commit, so that one stays intact while this one is written. Record: magic "RCMT", int64 commit
/// number, int32 length, FasterLog's metadata, XxHash32 of all before; fsynced. A failed write is recorded in
/// <see cref="Failure"/> (FasterLog cannot be told from inside its commit callback) and the owner fails the commit,
/// and no further commit is written, so the last good one stays readable. Recovery reads both slots (a torn or
/// failed one fails its checksum and FasterLog falls back to the other) and also the <c>commit.N.0</c> files of
/// logs written before this class existed; those are deleted after the first commit here.
/// </summary>
internal sealed class CheckedCommitManager : ILogCommitManager
{
    public const string DirectoryName = "log-commits";
    private static ReadOnlySpan<byte> Magic => "RCMT"u8;
    private const int HeaderBytes = 4 + 8 + 4;

    private readonly string _directory;
    private readonly IO.IStorageFileSystem _fs;
    private readonly Lock _gate = new();
    private Exception? _failure;
    private bool _legacyDeleted;
    private int _nextSlot = -1; // -1: not chosen yet (the slot not holding the newest readable commit)

    public CheckedCommitManager(IO.IStorageFileSystem fs, string generationDirectory)
    {
        _fs = fs;
        _directory = Path.Combine(generationDirectory, DirectoryName);
    }

    /// <summary>The first metadata write that failed; from then on nothing more is written.</summary>
    public Exception? Failure
    {
        get
        {
            lock (_gate) return _failure;
        }
    }

    public void Commit(long beginAddress, long untilAddress, byte[] commitMetadata, long commitNum, bool forceWriteMetadata)
    {
        lock (_gate)
        {
            if (_failure is not null) return;
            try
            {
                WriteSlot(commitNum, commitMetadata);
                if (!_legacyDeleted)
                {
                    foreach (long legacy in LegacyCommits()) _fs.Delete(LegacyPath(legacy));
                    _legacyDeleted = true;
                }
            }
#pragma warning disable CA1031 // recorded and rethrown by the owner as the commit's failure
            catch (Exception e)
#pragma warning restore CA1031
            {
                _failure = e;
            }
        }
    }

    private void WriteSlot(long commitNum, byte[] metadata)
    {
        var record = new byte[HeaderBytes + metadata.Length + 4];
        Magic.CopyTo(record);
        BinaryPrimitives.WriteInt64LittleEndian(record.AsSpan(4), commitNum);
        BinaryPrimitives.WriteInt32LittleEndian(record.AsSpan(12), metadata.Length);
        metadata.CopyTo(record.AsSpan(HeaderBytes));
        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(record.Length - 4), XxHash32.HashToUInt32(record.AsSpan(0, record.Length - 4)));

        if (_nextSlot < 0)
            _nextSlot = TryReadSlot(SlotPath(0), out long zero, out _) && (!TryReadSlot(SlotPath(1), out long one, out _) || zero > one) ? 1 : 0;
        string path = SlotPath(_nextSlot);
        bool created = !_fs.Exists(path);
        if (created) _fs.CreateDirectory(_directory);
        // Overwritten in place: once a slot exists its blocks are allocated, so a full disk does not fail the write.
        using (var file = _fs.OpenForUpdate(path))
        {
            file.WriteAt(0, record);
            file.Sync();
        }
        if (created) _fs.SyncDirectory(_directory);
        _nextSlot = 1 - _nextSlot;
    }

    public byte[] GetCommitMetadata(long commitNum)
    {
        for (int slot = 0; slot < 2; slot++)
        {
            if (TryReadSlot(SlotPath(slot), out long num, out byte[] metadata) && num == commitNum)
                return metadata;
        }
        string legacy = LegacyPath(commitNum);
        if (_fs.Exists(legacy))
        {
            // FASTER's format: int32 length, metadata, sector padding.
            byte[] bytes = IO.ReadableFileExtensions.ReadAllBytes(_fs, legacy);
            int length = bytes.Length >= 4 ? BinaryPrimitives.ReadInt32LittleEndian(bytes) : -1;
            if (length >= 0 && length <= bytes.Length - 4)
                return bytes.AsSpan(4, length).ToArray();
        }
        throw new IOException($"Commit-log commit {commitNum} in {_directory} is missing or damaged.");
    }

    public IEnumerable<long> ListCommits()
    {
        var nums = new List<long>();
        for (int slot = 0; slot < 2; slot++)
        {
            if (TryReadSlot(SlotPath(slot), out long num, out _))
                nums.Add(num);
        }
        nums.AddRange(LegacyCommits());
        return nums.Distinct().OrderByDescending(n => n).ToArray();
    }

    public void RemoveCommit(long commitNum)
    {
        lock (_gate)
        {
            string legacy = LegacyPath(commitNum);
            _fs.Delete(legacy);
        }
    }

    public void RemoveAllCommits()
    {
        lock (_gate)
        {
            _fs.DeleteDirectory(_directory);
        }
    }

    public void OnRecovery(long commitNum)
    {
        // Nothing to purge: the slots hold at most two commits, and legacy files go after the first commit here.
    }

    public void Dispose()
    {
    }

    private string SlotPath(int slot) =>
        Path.Combine(_directory, "slot." + slot.ToString(CultureInfo.InvariantCulture));

    private string LegacyPath(long commitNum) =>
        Path.Combine(_directory, "commit." + commitNum.ToString(CultureInfo.InvariantCulture) + ".0");

    private IEnumerable<long> LegacyCommits()
    {
        var nums = new List<long>();
        foreach (string file in _fs.ListFiles(_directory))
        {
            string name = Path.GetFileName(file);
            if (name.Length > 9 && name.StartsWith("commit.", StringComparison.Ordinal) && name.EndsWith(".0", StringComparison.Ordinal) &&
                long.TryParse(name.AsSpan(7, name.Length - 9), NumberStyles.None, CultureInfo.InvariantCulture, out long num))
                nums.Add(num);
        }
        return nums;
    }

    private bool TryReadSlot(string path, out long commitNum, out byte[] metadata)
    {
        commitNum = -1;
        metadata = [];
        if (!_fs.Exists(path)) return false;
        byte[] bytes = IO.ReadableFileExtensions.ReadAllBytes(_fs, path);
        if (bytes.Length < HeaderBytes + 4 || !bytes.AsSpan(0, 4).SequenceEqual(Magic)) return false;
        int length = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(12));
        if (length < 0 || length > bytes.Length - HeaderBytes - 4) return false;
        int end = HeaderBytes + length;
        if (BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(end)) != XxHash32.HashToUInt32(bytes.AsSpan(0, end))) return false;
        commitNum = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(4));
        metadata = bytes.AsSpan(HeaderBytes, length).ToArray();
        return true;
    }
}
