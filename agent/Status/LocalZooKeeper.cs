using System.Globalization;
using Microsoft.Extensions.Options;
using ZkMitosis.Agent.Configuration;
using ZkMitosis.Agent.DataDir;
using ZkMitosis.Agent.Files;
using ZkMitosis.ZooKeeper.FourLetterWords;
using ZkMitosis.ZooKeeper.Security;

namespace ZkMitosis.Agent.Status;

/// <inheritdoc />
public sealed class LocalZooKeeper : ILocalZooKeeper
{
    /// <summary><see cref="ZooKeeperLocalStatus.Source"/> of four-letter words on the plain client port.</summary>
    public const string FourLetterWordSource = "4lw";

    /// <summary><see cref="ZooKeeperLocalStatus.Source"/> of four-letter words over TLS, on the <c>secureClientPort</c>.</summary>
    public const string FourLetterWordTlsSource = "4lw-tls";

    private readonly ZooKeeperOptions _options;
    private readonly ZooKeeperPaths _paths;

    public LocalZooKeeper(IOptions<AgentOptions> options, ZooKeeperPaths paths)
    {
        _options = options.Value.ZooKeeper;
        _paths = paths;
    }

    public ZooCfg LoadConfig()
    {
        try
        {
            return ZooCfg.Load(_paths);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new PreconditionFailedException("CONFIG", _options.ConfigPath, $"{_options.ConfigPath} does not exist (ZooKeeper.ConfigPath).");
        }
    }

    public DataDirInspection InspectDataDir()
    {
        // The configured data dir, not zoo.cfg's: zoo.cfg is a file callers write.
        return DataDirInspector.Inspect(_paths.DataDir, _paths.DataLogDir);
    }

    public (string Host, int Port) ElectionEndpoint()
    {
        var config = LoadConfig();
        var myId = config.ReadMyId() ?? throw new PreconditionFailedException("CONFIG", config.MyIdPath, "no myid: this server has no election port.");
        var server = config.Servers.FirstOrDefault(s => s.Id == myId)
            ?? throw new PreconditionFailedException("CONFIG", config.Path, $"no server.{myId} line in {config.Path}: this server has no election port.");
        return (server.Host, server.ElectionPort);
    }

    public async Task<ZooKeeperLocalStatus> ReadStatusAsync(bool includeConnections, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ZooCfg? config = null;
        long? myId = null;
        try
        {
            config = LoadConfig();
            myId = config.ReadMyId();
        }
        catch (PreconditionFailedException)
        {
            // Status still answers from the four-letter words with the configured port.
        }

        var target = Target(config, myId);
        var voting = config?.Servers.Count(s => !s.Observer) ?? 0;
        var serverId = myId ?? 0;
        var errors = new List<string>();
        SrvrResult? srvr = null;
        var source = target.Tls is null ? FourLetterWordSource : FourLetterWordTlsSource;
        LocalZooKeeperMode mode;
        if (target.Unusable is { } unusable)
        {
            mode = LocalZooKeeperMode.Unknown;
            errors.Add(unusable);
        }
        else
        {
            try
            {
                srvr = await target.QueryAsync(FourLetterWordQueries.SrvrAsync, "srvr", timeout, cancellationToken).ConfigureAwait(false);
                mode = ZooKeeperLocalStatus.FromServerMode(srvr.Mode);
            }
            catch (FourLetterWordException e) when (e.Failure == FourLetterWordFailure.NotWhitelisted && _options.AdminServerUrl is not null)
            {
                source = "adminserver";
                (srvr, mode) = await AdminSrvrAsync(errors, cancellationToken).ConfigureAwait(false);
            }
            catch (FourLetterWordException e)
            {
                mode = e.Failure switch
                {
                    FourLetterWordFailure.NotServing => LocalZooKeeperMode.NotServing,
                    FourLetterWordFailure.Unreachable => LocalZooKeeperMode.Stopped,
                    // Tls among them: a refused handshake says nothing of whether the server serves.
                    _ => LocalZooKeeperMode.Unknown,
                };
                errors.Add(e.Message);
            }
        }

        MntrResult? mntr = null;
        ConsResult? cons = null;
        if (srvr is not null)
        {
            var fourLetterWords = source != "adminserver";
            mntr = await TryAsync(errors, () => fourLetterWords ? target.QueryAsync(FourLetterWordQueries.MntrAsync, "mntr", timeout, cancellationToken) : WithAdmin(a => a.MntrAsync(cancellationToken)), () => WithAdmin(a => a.MntrAsync(cancellationToken))).ConfigureAwait(false);
            if (includeConnections)
            {
                cons = await TryAsync(errors, () => fourLetterWords ? target.QueryAsync(FourLetterWordQueries.ConsAsync, "cons", timeout, cancellationToken) : WithAdmin(a => a.ConsAsync(cancellationToken)), () => WithAdmin(a => a.ConsAsync(cancellationToken))).ConfigureAwait(false);
            }
        }

        var lastOnDisk = -1L;
        if (mode is LocalZooKeeperMode.Stopped or LocalZooKeeperMode.NotServing or LocalZooKeeperMode.Unknown && config?.DataDir is { } dataDir)
        {
            lastOnDisk = DataDirInspector.Inspect(dataDir, config.DataLogDir).LastZxid;
        }

        return new ZooKeeperLocalStatus
        {
            Mode = mode,
            Zxid = srvr?.Zxid ?? -1,
            Version = srvr?.Version ?? "",
            Srvr = srvr,
            Mntr = mntr,
            Cons = cons,
            VotingMembers = voting,
            ServerId = serverId,
            LastZxidOnDisk = lastOnDisk,
            Source = source,
            Error = string.Join("; ", errors),
        };
    }

    /// <summary>
    /// Where the four-letter words go: the plain client port whenever the server has one (or zoo.cfg cannot be read,
    /// or names no port at all), as it needs no certificate; else the TLS client port with the agent's own files, which
    /// come from its configuration only.
    /// </summary>
    private FourLetterWordTarget Target(ZooCfg? config, long? myId)
    {
        var plainPort = _options.ClientPort != 0 ? _options.ClientPort : config is null ? 2181 : config.PlainClientPort(myId);
        var securePort = _options.SecureClientPort != 0 ? _options.SecureClientPort : config?.SecureClientPort;
        if (plainPort is not null || securePort is not { } tlsPort)
        {
            return new FourLetterWordTarget(Local(_options.ClientHost ?? config?.ClientPortAddress(myId)), plainPort ?? 2181, Tls: null, Unusable: null);
        }

        var host = Local(_options.ClientHost ?? config?.SecureClientPortAddress);
        var security = _options.Security;
        if (security.AgentCaFile is null)
        {
            return new FourLetterWordTarget(host, tlsPort, Tls: null,
                $"the local ZooKeeper serves clients over TLS only (secureClientPort {tlsPort.ToString(CultureInfo.InvariantCulture)}, no clientPort in {_options.ConfigPath}) and the agent has no TLS files for it: set ZooKeeper.Security.AgentCaFile, AgentCertificateFile and AgentKeyFile");
        }

        var tls = new ZooKeeperTlsOptions
        {
            CaFile = security.AgentCaFile,
            CertificateFile = security.AgentCertificateFile,
            KeyFile = security.AgentKeyFile,
            HostnameVerification = security.AgentHostnameVerification,
        };
        return new FourLetterWordTarget(host, tlsPort, tls, Unusable: null);
    }

    /// <summary>A wildcard listen address is reached on loopback.</summary>
    private static string Local(string? address) => address is null or "0.0.0.0" or "::" ? "127.0.0.1" : address;

    private async Task<(SrvrResult?, LocalZooKeeperMode)> AdminSrvrAsync(List<string> errors, CancellationToken cancellationToken)
    {
        try
        {
            var srvr = await WithAdmin(a => a.SrvrAsync(cancellationToken)).ConfigureAwait(false);
            return (srvr, ZooKeeperLocalStatus.FromServerMode(srvr.Mode));
        }
        catch (FourLetterWordException e)
        {
            errors.Add(e.Message);
            return (null, e.Failure switch
            {
                FourLetterWordFailure.NotServing => LocalZooKeeperMode.NotServing,
                FourLetterWordFailure.Unreachable => LocalZooKeeperMode.Stopped,
                _ => LocalZooKeeperMode.Unknown,
            });
        }
    }

    private async Task<T> WithAdmin<T>(Func<AdminServerClient, Task<T>> call)
    {
        using var admin = new AdminServerClient(new Uri(_options.AdminServerUrl!), TimeSpan.FromMilliseconds(_options.FourLetterWordTimeoutMs));
        return await call(admin).ConfigureAwait(false);
    }

    private async Task<T?> TryAsync<T>(List<string> errors, Func<Task<T>> first, Func<Task<T>> fallback)
        where T : class
    {
        try
        {
            return await first().ConfigureAwait(false);
        }
        catch (FourLetterWordException e) when (e.Failure == FourLetterWordFailure.NotWhitelisted && _options.AdminServerUrl is not null)
        {
            try
            {
                return await fallback().ConfigureAwait(false);
            }
            catch (FourLetterWordException inner)
            {
                errors.Add(inner.Message);
                return null;
            }
        }
        catch (FourLetterWordException e)
        {
            errors.Add(e.Message);
            return null;
        }
    }
}

/// <summary>
/// The local server's client port the agent asks, with the TLS files for it (null: plain TCP), or why it cannot be
/// asked (<paramref name="Unusable"/>, one line).
/// </summary>
/// <param name="Host">Address the four-letter words go to.</param>
/// <param name="Port">The plain client port, or the TLS one with <paramref name="Tls"/>.</param>
/// <param name="Tls">The agent's own TLS files, or null.</param>
/// <param name="Unusable">Why no four-letter word is sent, or null.</param>
internal sealed record FourLetterWordTarget(string Host, int Port, ZooKeeperTlsOptions? Tls, string? Unusable)
{
    /// <summary>
    /// Sends one query. A TLS file that vanished or went bad since the start (validated then) becomes a
    /// <see cref="FourLetterWordFailure.Tls"/> failure like a refused handshake: the status names it instead of failing.
    /// </summary>
    public async Task<T> QueryAsync<T>(Func<string, int, ZooKeeperTlsOptions?, TimeSpan?, CancellationToken, Task<T>> query, string command, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            return await query(Host, Port, Tls, timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is FileNotFoundException or InvalidDataException)
        {
            throw new FourLetterWordException(Host, Port, command, FourLetterWordFailure.Tls, $"the agent's TLS files (ZooKeeper.Security.Agent*): {e.Message.ReplaceLineEndings(" ")}", e);
        }
    }
}
