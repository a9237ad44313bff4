using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;

namespace RingStore.Node.Security;

/// <summary>
/// The node's current <see cref="TlsMaterial"/>, reloaded from its PEM files on SIGHUP or when one of them changes,
/// without a restart: connections opened afterwards present the new certificate and trust the new CA file; open
/// connections keep the session they negotiated. A reload that fails (half-written or mismatched files) is logged
/// and the previous material stays in use, so a botched rotation never takes the node off the network.
/// </summary>
public sealed partial class TlsCredentials : IDisposable
{
    // File writes arrive as several events (truncate, write, rename); wait for them to settle before reading.
    private static readonly TimeSpan SettleDelay = TimeSpan.FromMilliseconds(300);

    private readonly string _certificatePath;
    private readonly string _keyPath;
    private readonly string _caPath;
    private readonly string _purpose;
    private readonly ILogger _logger;
    private readonly Lock _reloadGate = new();
    private readonly List<FileSystemWatcher> _watchers = [];
    private Timer? _settle;
    private PosixSignalRegistration? _sighup;
    private TlsMaterial _current;

    /// <summary>Loads the files now; throws <see cref="InvalidOperationException"/> when they are unusable.</summary>
    public TlsCredentials(string certificatePath, string keyPath, string caPath, string purpose, ILogger logger)
    {
        _certificatePath = Path.GetFullPath(certificatePath);
        _keyPath = Path.GetFullPath(keyPath);
        _caPath = Path.GetFullPath(caPath);
        _purpose = purpose;
        _logger = logger;
        _current = TlsMaterial.Load(_certificatePath, _keyPath, _caPath);
        Log.Loaded(_logger, _purpose, _current.ToString());
    }

    public TlsMaterial Current => Volatile.Read(ref _current);

    /// <summary>Number of successful reloads (tests wait on it).</summary>
    public int Reloads { get; private set; }

    /// <summary>Re-reads the files; on failure logs why and keeps the current material. True when the new files are in use.</summary>
    public bool Reload()
    {
        lock (_reloadGate)
        {
            try
            {
                var material = TlsMaterial.Load(_certificatePath, _keyPath, _caPath);
                Volatile.Write(ref _current, material);
                Reloads++;
                Log.Reloaded(_logger, _purpose, material.ToString());
                return true;
            }
            catch (InvalidOperationException ex)
            {
                Log.ReloadFailed(_logger, _purpose, ex.Message);
                return false;
            }
        }
    }

    /// <summary>Starts reloading on SIGHUP (Unix) and on changes to the three files.</summary>
    public void StartWatching()
    {
        _settle = new Timer(_ => Reload());
        if (!OperatingSystem.IsWindows())
        {
            _sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
            {
                context.Cancel = true; // SIGHUP's default is to end the process; here it means "reload".
                _settle.Change(TimeSpan.Zero, Timeout.InfiniteTimeSpan);
            });
        }

        foreach (var directory in new[] { _certificatePath, _keyPath, _caPath }.Select(Path.GetDirectoryName).Distinct())
        {
            var watcher = new FileSystemWatcher(directory!) { IncludeSubdirectories = false, NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size };
            watcher.Changed += OnFileEvent;
            watcher.Created += OnFileEvent;
            watcher.Renamed += OnFileEvent;
            watcher.EnableRaisingEvents = true;
            _watchers.Add(watcher);
        }
    }

    private void OnFileEvent(object sender, FileSystemEventArgs e)
    {
        if (IsOurs(e.FullPath) || (e is RenamedEventArgs r && IsOurs(r.OldFullPath)))
        {
            _settle?.Change(SettleDelay, Timeout.InfiniteTimeSpan);
        }
    }

    private bool IsOurs(string path) =>
        string.Equals(path, _certificatePath, StringComparison.Ordinal)
        || string.Equals(path, _keyPath, StringComparison.Ordinal)
        || string.Equals(path, _caPath, StringComparison.Ordinal);

    public void Dispose()
    {
        _sighup?.Dispose();
        foreach (var watcher in _watchers) watcher.Dispose();
        _settle?.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4101, Level = LogLevel.Information, Message = "TLS for {Purpose}: using certificate {Certificate}")]
        public static partial void Loaded(ILogger logger, string purpose, string certificate);

        [LoggerMessage(EventId = 4102, Level = LogLevel.Information, Message = "TLS for {Purpose}: reloaded, new connections use certificate {Certificate}")]
        public static partial void Reloaded(ILogger logger, string purpose, string certificate);

        [LoggerMessage(EventId = 4103, Level = LogLevel.Error, Message = "TLS for {Purpose}: reload failed, still using the previous certificate: {Reason}")]
        public static partial void ReloadFailed(ILogger logger, string purpose, string reason);
    }
}
