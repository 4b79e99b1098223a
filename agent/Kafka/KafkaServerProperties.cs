using System.Globalization;
using System.Text.RegularExpressions;
using ZkMitosis.Agent.Files;
using ZkMitosis.ZooKeeper.Config;

namespace ZkMitosis.Agent.Kafka;

/// <summary>Kafka's server.properties: read <c>zookeeper.connect</c> and <c>broker.id</c>, set <c>zookeeper.connect</c> keeping every other byte.</summary>
public static partial class KafkaServerProperties
{
    public const string ZookeeperConnect = "zookeeper.connect";
    public const string BrokerId = "broker.id";

    public static (string ZookeeperConnect, long BrokerId) Read(string content)
    {
        var properties = PropertiesText.Parse(content);
        var brokerId = long.TryParse(properties.Get(BrokerId), NumberStyles.Integer, CultureInfo.InvariantCulture, out var id) ? id : -1;
        return (properties.Get(ZookeeperConnect) ?? "", brokerId);
    }

    /// <summary>The file's text with only the <c>zookeeper.connect</c> value changed (appended when absent).</summary>
    /// <exception cref="InvalidRequestException">the value is not a connect string.</exception>
    public static string WithZookeeperConnect(string content, string connect)
    {
        Validate(connect);
        var properties = PropertiesText.Parse(content);
        properties.Set(ZookeeperConnect, connect);
        return properties.ToString();
    }

    /// <exception cref="InvalidRequestException">not <c>host:port[,host:port…][/chroot]</c>.</exception>
    public static void Validate(string connect)
    {
        ArgumentNullException.ThrowIfNull(connect);
        CallerText.RequireNoControl("zookeeper_connect", connect);
        if (string.IsNullOrWhiteSpace(connect) || !ConnectPattern().IsMatch(connect))
        {
            throw new InvalidRequestException("zookeeper_connect", $"'{connect}' is not host:port[,host:port…][/chroot]");
        }
    }

    // \z, not $: '$' also matches before a final newline. The chroot takes no whitespace, comma, backslash or control character.
    [GeneratedRegex(@"\A[A-Za-z0-9._\-\[\]:]+:\d{1,5}(,[A-Za-z0-9._\-\[\]:]+:\d{1,5})*(/[^\s,\\\x00-\x1f\x7f]*)?\z")]
    private static partial Regex ConnectPattern();
}
