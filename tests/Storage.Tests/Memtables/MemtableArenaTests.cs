using RingStore.Storage.Memtables;

namespace RingStore.Storage.Tests.Memtables;

public class MemtableArenaTests
{
    [Fact]
    public void Concurrent_copies_across_chunk_boundaries_keep_their_bytes()
    {
        var arena = new MemtableArena();
        var results = new (byte[] Chunk, int Offset, byte[] Expected)[2][];
        Parallel.For(0, 2, t =>
        {
            var random = new Random(t);
            var mine = new (byte[], int, byte[])[3000];
            for (int i = 0; i < mine.Length; i++)
            {
                // Mostly small runs, some larger than what is left of a chunk, one larger than a whole chunk.
                int size = i == 1500 ? MemtableArena.ChunkBytes + 17 : random.Next(0, 2000);
                var bytes = new byte[size];
                random.NextBytes(bytes);
                var (chunk, offset) = arena.Copy(bytes);
                mine[i] = (chunk, offset, bytes);
            }
            results[t] = mine;
        });
        foreach (var (chunk, offset, expected) in results.SelectMany(r => r))
            Assert.True(chunk.AsSpan(offset, expected.Length).SequenceEqual(expected));
        long copied = results.SelectMany(r => r).Sum(r => (long)r.Expected.Length);
        Assert.True(arena.AllocatedBytes >= copied);
    }
}
