using Microsoft.Extensions.Logging;
using ZkMitosis.ZooKeeper.Security;

namespace ZkMitosis.KafkaStandIn;

/// <summary>
/// The lab's other tenant of the source ensemble (not Kafka): one session writing serial-numbered znodes under
/// its own root (<c>/other/writes/w_…</c>) and recording every acknowledged one, so a test can prove that a
/// migration of the Kafka tenant lost none of the other tenant's writes and expired none of its sessions.
/// </summary>
internal sealed class TenantWriter
{
    private readonly string _connectString;
    private readonly string _root;
    private readonly TimeSpan _sessionTimeout;
    private readonly TimeSpan _writeInterval;
    private readonly StateStore _state;
    private readonly ILogger _logger;
    private readonly ZooKeeperSecurity _security;

    public TenantWriter(string connectString, string root, TimeSpan sessionTimeout, TimeSpan writeInterval, ZooKeeperSecurity security, StateStore state, ILogger logger)
    {
        _security = security;
        _connectString = connectString;
        _root = root.TrimEnd('/');
        _sessionTimeout = sessionTimeout;
        _writeInterval = writeInterval;
        _state = state;
        _logger = logger;
    }

    public static string WritePathPrefix(string root) => root.TrimEnd('/') + "/writes/w_";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var loop = new SessionLoop(_connectString, _sessionTimeout, _security, _state, _logger);
        await loop.RunAsync(
            (client, token) => new SerialWriter(WritePathPrefix(_root), serial => System.Text.Encoding.ASCII.GetBytes($"tenant write {serial}"), _writeInterval, _state, _logger).RunAsync(client, token),
            cancellationToken).ConfigureAwait(false);
    }
}
