using System.Diagnostics;
using RingStore.Core.Data;
using RingStore.Storage.Engine;
using RingStore.Storage.Tests.Streaming;
using Xunit.Abstractions;

namespace RingStore.Storage.Tests.Compaction;

/// <summary>A compaction whose output may not fit on the disk is not started, and says why (a small tmpfs; needs root).</summary>
public sealed class CompactionSpaceTests(ITestOutputHelper output)
{
    private static bool Run(string file, string args)
    {
        using var p = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        p.WaitForExit();
        return p.ExitCode == 0;
    }

    [Fact]
    public async Task A_major_compaction_that_may_not_fit_is_refused_with_the_sizes()
    {
        using var dir = new TempDirectory();
        // Only the table's directory is small (the commit log stays on the roomy disk).
        string tableDir = StreamTestKit.TableDirectory(dir.Path);
        Directory.CreateDirectory(tableDir);
        if (!Run("mount", $"-t tmpfs -o size=6m tmpfs {tableDir}"))
        {
            output.WriteLine("SKIPPED: mounting a tmpfs was refused (needs root)");
            return;
        }
        try
        {
            var options = new StorageEngineOptions
            {
                DataDirectory = dir.Path,
                BackgroundCompaction = false,
            };
            var time = StreamTestKit.Clock();
            await using var engine = StorageEngine.Open(options, [StreamTestKit.Schema()], time: time);
            // Random values: compression (on by default) cannot shrink them, so the SSTables are as large as the data.
            var random = new Random(1);
            for (int sst = 0; sst < 2; sst++)
            {
                for (int pk = 0; pk < 400; pk++)
                {
                    var value = new byte[4000];
                    random.NextBytes(value);
                    await engine.ApplyAsync(PartitionUpdate.OfRows(StreamTestKit.Table, StreamTestKit.Pk(sst * 1000 + pk),
                        new Row(StreamTestKit.Ck(0), LivenessInfo.At(1000), DeletionTime.Live, [Cell.Live(0, 1000, value)])));
                }
                await engine.FlushAsync(StreamTestKit.Table);
            }
            var refused = await Assert.ThrowsAsync<IOException>(() => engine.CompactAsync(StreamTestKit.Table));
            Assert.Contains("not started", refused.Message, StringComparison.Ordinal);
            Assert.Contains("are free", refused.Message, StringComparison.Ordinal);
            Assert.Equal(800, StreamTestKit.ReadAll(engine).Count); // nothing lost, nothing half-written
        }
        finally
        {
            Run("umount", $"-l {tableDir}");
        }
    }
}
