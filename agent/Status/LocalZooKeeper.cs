using Microsoft.Extensions.Options;
using ZkMitosis.Agent.Configuration;
using ZkMitosis.Agent.DataDir;
using ZkMitosis.Agent.Files;
using ZkMitosis.ZooKeeper.FourLetterWords;

namespace ZkMitosis.Agent.Status;

/// <inheritdoc />
public sealed class LocalZooKeeper : ILocalZooKeeper
{
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

        var host = _options.ClientHost ?? config?.ClientPortAddress(myId) ?? "127.0.0.1";
        if (host is "0.0.0.0" or "::")
        {
            host = "127.0.0.1";
        }

        var port = _options.ClientPort != 0 ? _options.ClientPort : config?.ClientPort(myId) ?? 2181;
        var voting = config?.Servers.Count(s => !s.Observer) ?? 0;
        var serverId = myId ?? 0;
        var errors = new List<string>();
        SrvrResult? srvr = null;
        var source = "4lw";
        LocalZooKeeperMode mode;
        try
        {
            srvr = await FourLetterWordQueries.SrvrAsync(host, port, timeout, cancellationToken).ConfigureAwait(false);
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
                _ => LocalZooKeeperMode.Unknown,
            };
            errors.Add(e.Message);
        }

        MntrResult? mntr = null;
        ConsResult? cons = null;
        if (srvr is not null)
        {
            mntr = await TryAsync(errors, () => source == "4lw" ? FourLetterWordQueries.MntrAsync(host, port, timeout, cancellationToken) : WithAdmin(a => a.MntrAsync(cancellationToken)), () => WithAdmin(a => a.MntrAsync(cancellationToken))).ConfigureAwait(false);
            if (includeConnections)
            {
                cons = await TryAsync(errors, () => source == "4lw" ? FourLetterWordQueries.ConsAsync(host, port, timeout, cancellationToken) : WithAdmin(a => a.ConsAsync(cancellationToken)), () => WithAdmin(a => a.ConsAsync(cancellationToken))).ConfigureAwait(false);
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
