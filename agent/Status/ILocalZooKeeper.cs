using ZkMitosis.Agent.DataDir;
using ZkMitosis.Agent.Files;

namespace ZkMitosis.Agent.Status;

/// <summary>The ZooKeeper server on this host: its config, data dir and live status.</summary>
public interface ILocalZooKeeper
{
    /// <summary>zoo.cfg (and dynamic file) as on disk now.</summary>
    /// <exception cref="PreconditionFailedException">zoo.cfg does not exist.</exception>
    ZooCfg LoadConfig();

    /// <exception cref="PreconditionFailedException">zoo.cfg has no dataDir.</exception>
    DataDirInspection InspectDataDir();

    /// <summary>host:port of this server's election port (its <c>server.MYID</c> line).</summary>
    /// <exception cref="PreconditionFailedException">no myid or no matching server line.</exception>
    (string Host, int Port) ElectionEndpoint();

    Task<ZooKeeperLocalStatus> ReadStatusAsync(bool includeConnections, TimeSpan timeout, CancellationToken cancellationToken);
}
