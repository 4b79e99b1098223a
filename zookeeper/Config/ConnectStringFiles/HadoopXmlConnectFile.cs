using System.Globalization;
using ZkMitosis.ZooKeeper.Connection;

namespace ZkMitosis.ZooKeeper.Config.ConnectStringFiles;

/// <summary>
/// A Hadoop <c>Configuration</c> file (<c>hbase-site.xml</c>, <c>core-site.xml</c>): <c>&lt;property&gt;&lt;name&gt;K&lt;/name&gt;&lt;value&gt;V&lt;/value&gt;</c>
/// under <c>&lt;configuration&gt;</c>. The host list lives in <see cref="ConnectStringLocation.Key"/>; with a
/// <see cref="ConnectStringLocation.PortKey"/> it names bare hosts and the port lives there (HBase's
/// <c>hbase.zookeeper.property.clientPort</c>; HBase's ZKConfig appends it to every host without one); with a
/// <see cref="ConnectStringLocation.ParentKey"/> the chroot lives there (<c>zookeeper.znode.parent</c>). Values are
/// replaced inside their <c>&lt;value&gt;</c> element, escaped; comments, descriptions, <c>&lt;final&gt;</c> and whitespace stay.
/// </summary>
internal sealed class HadoopXmlConnectFile : IConnectStringFile
{
    public ConnectStringFormat Format => ConnectStringFormat.HadoopXml;

    public string Read(string text, ConnectStringLocation location)
    {
        var tree = XmlTextTree.Parse(text);
        var quorum = tree.InnerText(Value(tree, location.Key));
        var hosts = quorum.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (location.PortKey is { } portKey)
        {
            var port = tree.InnerText(Value(tree, portKey));
            hosts = hosts.Select(h => h.Contains(':', StringComparison.Ordinal) && !h.StartsWith('[') || h.Contains("]:", StringComparison.Ordinal) ? h : $"{h}:{port}").ToArray();
        }

        var parent = location.ParentKey is { } parentKey ? tree.InnerText(Value(tree, parentKey)) : "";
        return string.Join(',', hosts) + (parent == "/" ? "" : parent);
    }

    public string Write(string text, ConnectStringLocation location, ConnectionString target)
    {
        var tree = XmlTextTree.Parse(text);
        var edits = new List<(XmlTextElement Element, string Value)>();
        var quorum = location.PortKey is null
            ? string.Join(',', target.Hosts)
            : string.Join(',', target.Hosts.Select(h => h.Host.Contains(':', StringComparison.Ordinal) ? $"[{h.Host}]" : h.Host));
        if (location.PortKey is { } portKey)
        {
            var ports = target.Hosts.Select(h => h.Port).Distinct().ToList();
            if (ports.Count != 1)
            {
                throw new ConnectStringFileException(ConnectStringFileProblem.ValueRefused,
                    $"{portKey} holds one client port but the hosts use {string.Join(", ", ports)}");
            }

            edits.Add((Value(tree, portKey), ports[0].ToString(CultureInfo.InvariantCulture)));
        }

        if (location.ParentKey is { } parentKey)
        {
            edits.Add((Value(tree, parentKey), target.Chroot
                ?? throw new ConnectStringFileException(ConnectStringFileProblem.ValueRefused, $"{parentKey} holds the parent znode but the connect string names no chroot")));
        }
        else
        {
            quorum += target.Chroot ?? "";
        }

        edits.Add((Value(tree, location.Key), quorum));
        var result = text;
        foreach (var (element, value) in edits.OrderByDescending(e => e.Element.OpenStart))
        {
            result = XmlTextTree.ReplaceContent(result, element, value);
        }

        XmlTextTree.CheckWellFormed(result);
        return result;
    }

    /// <summary>The <c>&lt;value&gt;</c> element of the one property named <paramref name="name"/>.</summary>
    private static XmlTextElement Value(XmlTextTree tree, string name)
    {
        if (tree.Root.Name != "configuration")
        {
            throw new ConnectStringFileException(ConnectStringFileProblem.Malformed, $"the root element is <{tree.Root.Name}>, not Hadoop's <configuration>");
        }

        var matches = tree.Root.Named("property")
            .Where(p => p.Named("name") is [var n] && tree.InnerText(n) == name)
            .ToList();
        var property = ConnectStringFileFormats.Single(matches, $"property {name}", p => ConnectStringFileFormats.LineAt(tree.Text, p.OpenStart));
        return property.Named("value") switch
        {
            [var value] => value,
            [] => throw new ConnectStringFileException(ConnectStringFileProblem.KeyMissing, $"line {ConnectStringFileFormats.LineAt(tree.Text, property.OpenStart)}: property {name} has no <value>"),
            _ => throw new ConnectStringFileException(ConnectStringFileProblem.KeyDuplicated, $"line {ConnectStringFileFormats.LineAt(tree.Text, property.OpenStart)}: property {name} has more than one <value>"),
        };
    }
}
