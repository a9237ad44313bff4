using System.Buffers.Binary;
using System.IO.Hashing;

namespace RingStore.Storage.SSTables;

/// <summary>
/// Bloom filter over partition keys. One XxHash128 of the key gives two 64-bit halves h1, h2 and
/// the k probe positions are h1 + i*h2 mod m (Kirsch-Mitzenmacher double hashing), so a lookup
/// hashes the key once. Sized m = -n ln p / (ln 2)^2 bits, k = m/n ln 2 probes.
/// </summary>
internal sealed class BloomFilter
{
    private const int MaxHashCount = 20;
    private readonly ulong[] _words;

    private BloomFilter(ulong[] words, int hashCount)
    {
        _words = words;
        HashCount = hashCount;
    }

    public int HashCount { get; }

    public long BitCount => (long)_words.Length * 64;

    public static BloomFilter Create(long expectedItems, double falsePositiveChance)
    {
        long n = Math.Max(1, expectedItems);
        double p = Math.Clamp(falsePositiveChance, 1e-9, 0.5);
        double bits = Math.Ceiling(-n * Math.Log(p) / (Math.Log(2) * Math.Log(2)));
        long words = Math.Max(1, (long)Math.Ceiling(bits / 64));
        if (words > Array.MaxLength) throw new ArgumentOutOfRangeException(nameof(expectedItems), "bloom filter too large");
        int k = (int)Math.Clamp(Math.Round(words * 64.0 / n * Math.Log(2)), 1, MaxHashCount);
        return new BloomFilter(new ulong[words], k);
    }

    public static (ulong H1, ulong H2) Hash(ReadOnlySpan<byte> key)
    {
        UInt128 h = XxHash128.HashToUInt128(key);
        // An odd step visits distinct positions for every i even when m is a power of two.
        return ((ulong)(h >> 64), (ulong)h | 1);
    }

    public void Add((ulong H1, ulong H2) hash)
    {
        ulong m = (ulong)BitCount;
        for (int i = 0; i < HashCount; i++)
        {
            ulong bit = (hash.H1 + (ulong)i * hash.H2) % m;
            _words[bit >> 6] |= 1UL << (int)(bit & 63);
        }
    }

    public bool MayContain(ReadOnlySpan<byte> key)
    {
        var (h1, h2) = Hash(key);
        ulong m = (ulong)BitCount;
        for (int i = 0; i < HashCount; i++)
        {
            ulong bit = (h1 + (ulong)i * h2) % m;
            if ((_words[bit >> 6] & (1UL << (int)(bit & 63))) == 0) return false;
        }
        return true;
    }

    /// <summary>Body of the Filter component: u64 word count, then the words (LE). The hash count goes in the header.</summary>
    public byte[] Serialize()
    {
        var body = new byte[8 + _words.Length * 8];
        BinaryPrimitives.WriteInt64LittleEndian(body, _words.Length);
        for (int i = 0; i < _words.Length; i++)
            BinaryPrimitives.WriteUInt64LittleEndian(body.AsSpan(8 + i * 8), _words[i]);
        return body;
    }

    public static BloomFilter Deserialize(ReadOnlySpan<byte> body, int hashCount, string path)
    {
        if (body.Length < 8) throw new CorruptSSTableException(path, FileHeader.SizeBytes, "filter body too short");
        long count = BinaryPrimitives.ReadInt64LittleEndian(body);
        if (count <= 0 || count * 8 != body.Length - 8 || hashCount is < 1 or > MaxHashCount)
            throw new CorruptSSTableException(path, FileHeader.SizeBytes, $"filter of {count} words and {hashCount} hashes does not match its length");
        var words = new ulong[count];
        for (int i = 0; i < count; i++) words[i] = BinaryPrimitives.ReadUInt64LittleEndian(body[(8 + i * 8)..]);
        return new BloomFilter(words, hashCount);
    }
}
