using System.Globalization;

namespace ZkMitosis.KafkaStandIn.TenantHosts;

/// <summary>
/// ClickHouse's server configuration (<c>config.xml</c> or a <c>config.d</c> file): the one <c>&lt;zookeeper&gt;</c>
/// element under the root (<c>&lt;clickhouse&gt;</c>, formerly <c>&lt;yandex&gt;</c>) with its <c>&lt;node&gt;</c>s'
/// <c>&lt;host&gt;</c>/<c>&lt;port&gt;</c> (port default 2181), <c>&lt;root&gt;</c> and <c>&lt;session_timeout_ms&gt;</c>
/// (default 30000); ClickHouse's server settings, "zookeeper".
/// </summary>
internal static class ClickHouseConfigFile
{
    public static ProductConnect Read(string path)
    {
        var zookeeper = HBaseSiteFile.Load(path).Root?.Elements("zookeeper").ToList() ?? [];
        if (zookeeper.Count != 1)
        {
            throw new StandInConfigException($"{path} has {zookeeper.Count} <zookeeper> elements; ClickHouse needs exactly one");
        }

        var nodes = zookeeper[0].Elements("node").Select(node =>
        {
            var host = node.Element("host")?.Value.Trim();
            if (string.IsNullOrEmpty(host))
            {
                throw new StandInConfigException($"{path}: a <node> has no <host>");
            }

            var port = node.Element("port")?.Value.Trim() is { Length: > 0 } p ? p : "2181";
            return (host.Contains(':', StringComparison.Ordinal) && !host.StartsWith('[') ? $"[{host}]" : host) + ":" + port;
        }).ToList();
        if (nodes.Count == 0)
        {
            throw new StandInConfigException($"{path}: <zookeeper> has no <node>");
        }

        var root = zookeeper[0].Element("root")?.Value.Trim().TrimEnd('/') ?? "";
        var timeout = int.TryParse(zookeeper[0].Element("session_timeout_ms")?.Value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var ms) && ms > 0 ? ms : 30000;
        return new ProductConnect(string.Join(',', nodes), root, timeout);
    }
}
