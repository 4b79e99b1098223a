using System.Globalization;
using System.Text.RegularExpressions;
using ZkMitosis.Agent.Files;
using ZkMitosis.ZooKeeper.Config;
using ZkMitosis.ZooKeeper.Connection;

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

    /// <summary>
    /// Checks a connect string with the shared parser (<see cref="ConnectionString"/>: an IPv6 host in brackets, never bare,
    /// a valid chroot), plus what a properties file needs: every host and port written out of ASCII letters, digits and
    /// <c>._-:[]</c> (Kafka reads server.properties as ISO-8859-1), and no backslash (the properties escape character).
    /// </summary>
    /// <exception cref="InvalidRequestException">not <c>host:port[,host:port…][/chroot]</c>.</exception>
    public static void Validate(string connect)
    {
        ArgumentNullException.ThrowIfNull(connect);
        CallerText.RequireNoControl("zookeeper_connect", connect);
        if (string.IsNullOrWhiteSpace(connect) || !ConnectPattern().IsMatch(connect))
        {
            throw new InvalidRequestException("zookeeper_connect", $"'{connect}' is not host:port[,host:port…][/chroot]");
        }

        try
        {
            ConnectionString.Parse(connect);
        }
        catch (ArgumentException e)
        {
            throw new InvalidRequestException("zookeeper_connect", e.Message);
        }
    }

    // \z, not $: '$' also matches before a final newline. The chroot takes no whitespace, comma, backslash or control character.
    [GeneratedRegex(@"\A[A-Za-z0-9._\-\[\]:]+:\d{1,5}(,[A-Za-z0-9._\-\[\]:]+:\d{1,5})*(/[^\s,\\\x00-\x1f\x7f]*)?\z")]
    private static partial Regex ConnectPattern();
}
