using CsCheck;
using RingStore.Core.Data;
using RingStore.Core.Serialization;
using RingStore.Storage.IO;
using RingStore.Storage.SSTables;

namespace RingStore.Storage.Tests.SSTables;

/// <summary>
/// A flush hands the writer rows still encoded (memtable arena bytes); compaction and tests hand it decoded rows.
/// Both must give the same SSTable, byte for byte, statistics and row index included.
/// </summary>
public sealed class EncodedRowsWriterTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private long _generation;

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Encoded_and_decoded_rows_give_identical_files()
    {
        Gen.Select(TestData.TableGen, SSTableRoundTripTests.OptionsGen).Sample((partitions, options) =>
        {
            long gen = ++_generation;
            string decodedDir = Directory.CreateDirectory(Path.Combine(_dir.Path, $"decoded-{gen}")).FullName;
            string encodedDir = Directory.CreateDirectory(Path.Combine(_dir.Path, $"encoded-{gen}")).FullName;
            TestData.Write(PhysicalFileSystem.Instance, decodedDir, gen, partitions, options).Dispose();
            using (var writer = SSTableWriter.Create(PhysicalFileSystem.Instance, encodedDir, gen, options))
            {
                foreach (var p in partitions)
                    writer.AppendEncodedPartition(p.Key, p.Deletion, p.RangeTombstones, p.Rows.Select(Encode).ToArray());
                writer.Finish().Dispose();
            }

            var names = Directory.GetFiles(decodedDir).Select(Path.GetFileName).Order().ToArray();
            Assert.Equal(names, Directory.GetFiles(encodedDir).Select(Path.GetFileName).Order().ToArray());
            foreach (var name in names)
                Assert.True(File.ReadAllBytes(Path.Combine(decodedDir, name!)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(encodedDir, name!))),
                    $"{name} differs");
        }, iter: 40, threads: 1);
    }

    [Fact]
    public void Encoded_rows_out_of_clustering_order_are_refused()
    {
        foreach (var rows in new[] { new[] { RowAt(2), RowAt(1) }, [RowAt(1), RowAt(1)] })
        {
            using var writer = SSTableWriter.Create(PhysicalFileSystem.Instance, _dir.Path, ++_generation, SSTableWriterOptions.Default);
            Assert.Throws<ArgumentException>(() => writer.AppendEncodedPartition([1, 2, 3], DeletionTime.Live, [], rows));
        }
    }

    private static ReadOnlyMemory<byte> RowAt(byte clustering) => Encode(new Row([clustering], LivenessInfo.At(1), DeletionTime.Live, []));

    private static ReadOnlyMemory<byte> Encode(Row row)
    {
        var w = new BinaryWriterBuffer();
        DataSerializer.WriteRow(w, row);
        return w.ToArray();
    }
}
