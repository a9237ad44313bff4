using RingStore.Core.Data;
using RingStore.Core.Errors;
using RingStore.Core.Partitioning;
using RingStore.Core.Reads;
using RingStore.Core.Schema;
using RingStore.Storage.IO;
using RingStore.Storage.SSTables;

namespace RingStore.Storage.Engine;

/// <summary>
/// Writes streamed partitions (pages of <see cref="StorageEngine.ReadTokenRangePage"/> from another node) into a new
/// SSTable of a table, bypassing the commit log: the SSTable is durable before it goes live, so there is nothing to
/// replay. The file is written exactly as flush and compaction write theirs (temp names, fsync, rename, TOC last,
/// directory fsync), re-opened and every block's checksum verified before the caller installs it. On any failure or
/// cancellation the partial files are deleted; a crash leaves either TOC-less leftovers that open removes or a
/// complete SSTable. Tombstones, timestamps, local deletion times and TTLs are written as given: nothing is purged
/// or converted here (compaction applies the purge rule later, as for any SSTable).
/// </summary>
internal static class SSTableImporter
{
    /// <summary>
    /// Throws <see cref="ArgumentException"/> unless the partitions are in strictly increasing (token, key) order, each
    /// token is its key's, rows are in strictly increasing clustering order and each partition is valid for the schema.
    /// Checked before anything is written.
    /// </summary>
    public static void Validate(TableSchema schema, IReadOnlyList<MergedPartitionData> partitions)
    {
        MergedPartitionData? previous = null;
        for (int i = 0; i < partitions.Count; i++)
        {
            var p = partitions[i] ?? throw new ArgumentException($"Partition #{i} is null.", nameof(partitions));
            if (p.Key is null || p.Key.Length == 0) throw new ArgumentException($"Partition #{i} has an empty key.", nameof(partitions));
            if (p.RangeTombstones is null || p.Rows is null)
                throw new ArgumentException($"Partition #{i} has no range tombstone or row list.", nameof(partitions));
            if (Murmur3Partitioner.GetToken(p.Key) != p.Token)
                throw new ArgumentException($"Partition #{i} has token {p.Token}, but its key's token is {Murmur3Partitioner.GetToken(p.Key)}.", nameof(partitions));
            if (previous is not null && IndexEntry.Compare(previous.Token, previous.Key, p.Token, p.Key) >= 0)
                throw new ArgumentException(
                    $"Partitions must be sorted by token, then key, without duplicates: #{i} (token {p.Token}) follows token {previous.Token}.", nameof(partitions));
            byte[]? previousClustering = null;
            foreach (var row in p.Rows)
            {
                if (row is null) throw new ArgumentException($"Partition #{i} has a null row.", nameof(partitions));
                if (previousClustering is not null && row.Clustering.AsSpan().SequenceCompareTo(previousClustering) <= 0)
                    throw new ArgumentException($"Rows of partition #{i} must be in strictly increasing clustering order.", nameof(partitions));
                previousClustering = row.Clustering;
            }
            try
            {
                // The value size cap is the writer's business: data already accepted by another replica is not refused here.
                MutationValidator.Validate(schema, new PartitionUpdate(schema.FullName, p.Key, p.PartitionDeletion, p.RangeTombstones, p.Rows), long.MaxValue);
            }
            catch (Exception e) when (e is InvalidRequestException or FormatException)
            {
                throw new ArgumentException($"Partition #{i} is not valid for {schema.FullName}: {e.Message}", nameof(partitions), e);
            }
            previous = p;
        }
    }

    /// <summary>
    /// Writes the partitions as SSTable <paramref name="generation"/>, re-opens it and verifies every block. Returns
    /// the open reader (not yet in any view). Blocking: run it on a <see cref="DedicatedThread"/>.
    /// </summary>
    public static SSTableReader Write(IStorageFileSystem fs, string directory, long generation, SSTableWriterOptions writerOptions,
        IReadOnlyList<MergedPartitionData> partitions, CancellationToken ct)
    {
        SSTableReader reader;
        var writer = SSTableWriter.Create(fs, directory, generation, writerOptions);
        try
        {
            foreach (var p in partitions)
            {
                ct.ThrowIfCancellationRequested();
                writer.AppendPartition(p.Key, p.PartitionDeletion, p.RangeTombstones, p.Rows);
            }
            ct.ThrowIfCancellationRequested();
            reader = writer.Finish();
        }
        catch
        {
            // Closes every file and deletes every file of the generation whatever fails doing so; the original
            // failure is the one reported (a cleanup failure after a full disk is the same full disk).
            _ = writer.Abort();
            throw;
        }
        writer.Dispose();
        try
        {
            // Finish re-opened the files from disk; read every block back before anyone may rely on it.
            reader.VerifyChecksums();
            if (reader.Statistics.PartitionCount != partitions.Count)
                throw new CorruptSSTableException(reader.DataPath, 0,
                    $"imported SSTable holds {reader.Statistics.PartitionCount} partitions, {partitions.Count} were written");
            ct.ThrowIfCancellationRequested();
            return reader;
        }
        catch
        {
            reader.MarkObsolete();
            reader.Dispose();
            throw;
        }
    }
}
