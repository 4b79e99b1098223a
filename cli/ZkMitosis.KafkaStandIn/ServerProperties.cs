using System.Globalization;
using ZkMitosis.ZooKeeper.Connection;
using ZkMitosis.ZooKeeper.Security;

namespace ZkMitosis.KafkaStandIn;

/// <summary>
/// The keys of a ZooKeeper-mode Kafka broker's <c>server.properties</c> the stand-in reads: <c>broker.id</c>,
/// <c>zookeeper.connect</c> (hosts and chroot), <c>zookeeper.session.timeout.ms</c> (default 18000, Kafka's),
/// <c>listeners</c> and <c>broker.rack</c>; for a secured ensemble <c>zookeeper.set.acl</c> and the ZooKeeper client TLS
/// keys (<see cref="ZooKeeperTlsProperties"/>).
/// </summary>
public sealed record ServerProperties(int BrokerId, string ZooKeeperHosts, string Chroot, int SessionTimeoutMs, IReadOnlyList<BrokerEndpoint> Listeners)
{
    /// <summary><c>broker.rack</c>, or null when unset or empty: registered as the <c>rack</c> of <c>/brokers/ids/&lt;id&gt;</c>.</summary>
    public string? Rack { get; init; }

    /// <summary>
    /// TLS to ZooKeeper (<c>zookeeper.ssl.client.enable=true</c> and its keys), or null for plain TCP.
    /// </summary>
    public ZooKeeperTlsOptions? Tls { get; init; }

    /// <summary>
    /// <c>zookeeper.set.acl</c> (default false): every znode the broker creates gets <see cref="KafkaZnodeAcls"/>'s secure
    /// ACL instead of world-writable; needs an authenticated session (SASL, or a TLS client certificate).
    /// </summary>
    public bool SetAcl { get; init; }

    public const int DefaultSessionTimeoutMs = 18000;

    /// <summary>hosts + chroot, as the ZooKeeper client takes it.</summary>
    public string ConnectString => ZooKeeperHosts + Chroot;

    public static ServerProperties Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new StandInConfigException($"{path} does not exist");
        }

        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>Parses Java properties text (<c>key=value</c> or <c>key: value</c>, <c>#</c>/<c>!</c> comments).</summary>
    public static ServerProperties Parse(string text, string source = "server.properties")
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] is '#' or '!')
            {
                continue;
            }

            var separator = line.IndexOfAny(['=', ':']);
            if (separator <= 0)
            {
                continue;
            }

            values[line[..separator].Trim()] = line[(separator + 1)..].Trim();
        }

        var problems = new List<string>();
        var brokerId = -1;
        if (!values.TryGetValue("broker.id", out var id) || !int.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out brokerId))
        {
            problems.Add("broker.id is missing or not a non-negative integer");
        }

        var hosts = string.Empty;
        var chroot = string.Empty;
        if (!values.TryGetValue("zookeeper.connect", out var connect) || connect.Length == 0)
        {
            problems.Add("zookeeper.connect is missing");
        }
        else
        {
            var slash = connect.IndexOf('/', StringComparison.Ordinal);
            hosts = slash < 0 ? connect : connect[..slash];
            chroot = slash < 0 ? string.Empty : connect[slash..].TrimEnd('/');
            if (hosts.Length == 0)
            {
                problems.Add("zookeeper.connect has no hosts");
            }
        }

        var timeout = DefaultSessionTimeoutMs;
        if (values.TryGetValue("zookeeper.session.timeout.ms", out var timeoutText)
            && (!int.TryParse(timeoutText, NumberStyles.None, CultureInfo.InvariantCulture, out timeout) || timeout <= 0))
        {
            problems.Add($"zookeeper.session.timeout.ms '{timeoutText}' is not a positive integer");
        }

        var listeners = new List<BrokerEndpoint>();
        foreach (var listener in (values.GetValueOrDefault("advertised.listeners") ?? values.GetValueOrDefault("listeners") ?? string.Empty)
                     .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (BrokerEndpoint.TryParse(listener, out var endpoint))
            {
                listeners.Add(endpoint);
            }
            else
            {
                problems.Add($"listener '{listener}' is not NAME://host:port");
            }
        }

        if (listeners.Count == 0 && problems.Count == 0)
        {
            problems.Add("listeners is missing");
        }

        var tls = ZooKeeperTlsProperties.Read(values, problems);
        var setAcl = ZooKeeperTlsProperties.Flag(values, "zookeeper.set.acl", problems);
        if (problems.Count > 0)
        {
            throw new StandInConfigException($"{source}: {string.Join("; ", problems)}");
        }

        var rack = values.GetValueOrDefault("broker.rack");
        return new ServerProperties(brokerId, hosts, chroot, timeout, listeners) { Rack = string.IsNullOrEmpty(rack) ? null : rack, Tls = tls, SetAcl = setAcl };
    }
}

/// <summary>One listener: <c>PLAINTEXT://host:port</c> (an IPv6 host in brackets; <see cref="Host"/> holds it without them).</summary>
public sealed record BrokerEndpoint(string ListenerName, string Host, int Port)
{
    public override string ToString() => $"{ListenerName}://{new HostEndpoint(Host, Port)}";

    public static bool TryParse(string text, out BrokerEndpoint endpoint)
    {
        endpoint = null!;
        var scheme = text.IndexOf("://", StringComparison.Ordinal);
        if (scheme <= 0)
        {
            return false;
        }

        if (!HostEndpoint.TryParse(text[(scheme + 3)..], null, out var hostPort, out _))
        {
            return false;
        }

        endpoint = new BrokerEndpoint(text[..scheme], hostPort.Host, hostPort.Port);
        return true;
    }
}

/// <summary>The stand-in's configuration is unusable; the message names the file and every problem.</summary>
public sealed class StandInConfigException(string message) : Exception(message);

/// <summary>
/// The stand-in cannot go on: ZooKeeper refused its credentials or certificate, or a TLS file is unusable. The message
/// is one line (already logged and in the state file's <c>lastError</c>); the process exits 1.
/// </summary>
public sealed class StandInFatalException(string message) : Exception(message);
