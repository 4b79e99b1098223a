using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using ZkMitosis.ZooKeeper;

namespace ZkMitosis.KafkaStandIn;

/// <summary>
/// A steady stream of serial-numbered persistent znodes (<c>PREFIX0000000001</c>, …), one at a time. A serial is
/// retried until ZooKeeper acknowledges it (NodeExists after a connection loss means an earlier attempt landed),
/// so every serial up to <see cref="StandInState.LastAcknowledgedSerial"/> was acknowledged and must exist.
/// </summary>
internal sealed class SerialWriter
{
    private readonly string _pathPrefix;
    private readonly Func<long, byte[]> _data;
    private readonly TimeSpan _interval;
    private readonly StateStore _state;
    private readonly ILogger _logger;
    private readonly Func<string, IReadOnlyList<ZooKeeperAcl>>? _acls;
    private long _lastAckTicks;

    /// <param name="pathPrefix">Each write's path without its serial.</param>
    /// <param name="data">Each write's data, by serial.</param>
    /// <param name="interval">Pause after each acknowledged write.</param>
    /// <param name="state">Where the last acknowledged serial is kept.</param>
    /// <param name="logger">Where retries are logged.</param>
    /// <param name="acls">The ACL of every node created, by path; null: world-writable (ZooKeeper's OPEN_ACL_UNSAFE).</param>
    public SerialWriter(string pathPrefix, Func<long, byte[]> data, TimeSpan interval, StateStore state, ILogger logger, Func<string, IReadOnlyList<ZooKeeperAcl>>? acls = null)
    {
        _acls = acls;
        _pathPrefix = pathPrefix;
        _data = data;
        _interval = interval;
        _state = state;
        _logger = logger;
    }

    public static string PathFor(string prefix, long serial) => prefix + serial.ToString("D10", CultureInfo.InvariantCulture);

    public async Task RunAsync(ZooKeeperClient client, CancellationToken cancellationToken)
    {
        var parent = _pathPrefix[.._pathPrefix.LastIndexOf('/')];
        await Retry.EnsurePathAsync(client, parent, _acls, _logger, cancellationToken).ConfigureAwait(false);
        var serial = _state.Current.LastAcknowledgedSerial + 1;
        while (!cancellationToken.IsCancellationRequested)
        {
            var path = PathFor(_pathPrefix, serial);
            var current = serial;
            await Retry.TransientAsync(
                async token =>
                {
                    try
                    {
                        await client.CreateAsync(path, _data(current), CreateMode.Persistent, _acls?.Invoke(path), cancellationToken: token).ConfigureAwait(false);
                    }
                    catch (KeeperException e) when (e.Code == KeeperErrorCode.NodeExists)
                    {
                        // An attempt before a connection loss was applied: that is an acknowledgement too.
                    }
                },
                "write " + path,
                _logger,
                cancellationToken).ConfigureAwait(false);
            Acknowledge(current);
            serial++;
            await Task.Delay(_interval, cancellationToken).ConfigureAwait(false);
        }
    }

    private void Acknowledge(long serial)
    {
        var now = Stopwatch.GetTimestamp();
        var previous = _lastAckTicks;
        _lastAckTicks = now;
        var gapMs = previous == 0 ? 0 : (long)Stopwatch.GetElapsedTime(previous, now).TotalMilliseconds;
        _state.Update(s => s with { LastAcknowledgedSerial = serial, LongestAckGapMs = Math.Max(s.LongestAckGapMs, gapMs) });
    }
}
