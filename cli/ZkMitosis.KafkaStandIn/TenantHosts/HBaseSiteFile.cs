using System.Globalization;
using System.Xml;
using System.Xml.Linq;

namespace ZkMitosis.KafkaStandIn.TenantHosts;

/// <summary>
/// HBase's <c>hbase-site.xml</c> as Hadoop's <c>Configuration</c> reads it: <c>&lt;property&gt;&lt;name/&gt;&lt;value/&gt;</c>
/// pairs, a later one overriding an earlier one. <c>hbase.zookeeper.quorum</c> lists hosts (a host may carry its own
/// <c>:port</c>), <c>hbase.zookeeper.property.clientPort</c> is the port of the others (default 2181),
/// <c>zookeeper.znode.parent</c> the root (default <c>/hbase</c>), <c>zookeeper.session.timeout</c> (default 90000).
/// </summary>
internal static class HBaseSiteFile
{
    public static ProductConnect Read(string path)
    {
        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in Load(path).Root?.Elements("property") ?? [])
        {
            if (property.Element("name")?.Value.Trim() is { Length: > 0 } name)
            {
                properties[name] = property.Element("value")?.Value.Trim() ?? "";
            }
        }

        if (!properties.TryGetValue("hbase.zookeeper.quorum", out var quorum) || quorum.Length == 0)
        {
            throw new StandInConfigException($"{path} has no hbase.zookeeper.quorum");
        }

        var port = properties.GetValueOrDefault("hbase.zookeeper.property.clientPort", "2181");
        var hosts = string.Join(',', quorum.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(h => HasPort(h) ? h : h + ":" + port));
        var parent = properties.GetValueOrDefault("zookeeper.znode.parent", "/hbase").TrimEnd('/');
        var timeout = int.TryParse(properties.GetValueOrDefault("zookeeper.session.timeout", ""), NumberStyles.None, CultureInfo.InvariantCulture, out var ms) && ms > 0 ? ms : 90000;
        return new ProductConnect(hosts, parent, timeout);
    }

    /// <summary>Whether a quorum entry names its port: <c>h:p</c> or <c>[v6]:p</c>, not a bare IPv6 address.</summary>
    private static bool HasPort(string host) =>
        host.StartsWith('[') ? host.Contains("]:", StringComparison.Ordinal) : host.Count(c => c == ':') == 1;

    internal static XDocument Load(string path)
    {
        try
        {
            using var reader = XmlReader.Create(path, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
            return XDocument.Load(reader);
        }
        catch (XmlException e)
        {
            throw new StandInConfigException($"{path} is not well-formed XML: {e.Message}");
        }
    }
}
