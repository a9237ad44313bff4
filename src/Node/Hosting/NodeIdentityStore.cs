using MessagePack;
using RingStore.Storage.IO;

namespace RingStore.Node.Hosting;

/// <summary>Reads and writes <c>system/identity.bin</c> under the data directory: temp file, fsync, rename, directory fsync.</summary>
public static class NodeIdentityStore
{
    public static string PathFor(string dataDirectory) => Path.Combine(dataDirectory, "system", "identity.bin");

    public static NodeIdentity? Load(string dataDirectory)
    {
        string path = PathFor(dataDirectory);
        if (!File.Exists(path)) return null;
        try
        {
            var identity = MessagePackSerializer.Deserialize<NodeIdentity>(File.ReadAllBytes(path));
            if (identity.FormatVersion != NodeIdentity.CurrentFormatVersion)
                throw new InvalidDataException($"{path}: identity format {identity.FormatVersion} is not supported (expected {NodeIdentity.CurrentFormatVersion}).");
            return identity;
        }
        catch (MessagePackSerializationException e)
        {
            throw new InvalidDataException($"{path} is corrupt: {e.Message}", e);
        }
    }

    public static void Save(string dataDirectory, NodeIdentity identity)
    {
        string path = PathFor(dataDirectory);
        string dir = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(dir);
        string temp = path + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            MessagePackSerializer.Serialize(stream, identity);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
        NativeDirectorySync.Sync(dir);
    }
}
