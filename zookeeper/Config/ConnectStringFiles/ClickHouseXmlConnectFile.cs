using System.Globalization;
using ZkMitosis.ZooKeeper.Connection;

namespace ZkMitosis.ZooKeeper.Config.ConnectStringFiles;

/// <summary>
/// ClickHouse's server config (<c>config.xml</c> or a <c>config.d/*.xml</c> override): one <c>&lt;zookeeper&gt;</c>
/// under the root (<c>&lt;clickhouse&gt;</c>, formerly <c>&lt;yandex&gt;</c>) holding one <c>&lt;node&gt;</c> per server, each
/// with <c>&lt;host&gt;</c> and <c>&lt;port&gt;</c>, and the chroot in <c>&lt;root&gt;</c>. The node list is replaced node by
/// node: existing nodes keep their layout and extra children (<c>&lt;secure&gt;</c>), added nodes copy the last one's
/// layout and indentation, removed nodes take their own line with them. Everything else stays.
/// </summary>
internal sealed class ClickHouseXmlConnectFile : IConnectStringFile
{
    public ConnectStringFormat Format => ConnectStringFormat.ClickHouseXml;

    public string Read(string text, ConnectStringLocation location)
    {
        var tree = XmlTextTree.Parse(text);
        var zookeeper = ZooKeeperElement(tree);
        var hosts = Nodes(tree, zookeeper).Select(n => new HostEndpoint(tree.InnerText(n.Host), ParsePort(tree, n.Port)));
        var root = zookeeper.Named("root");
        var chroot = root.Count == 0 ? "" : tree.InnerText(ConnectStringFileFormats.Single(root, "<zookeeper><root>", e => ConnectStringFileFormats.LineAt(text, e.OpenStart)));
        return string.Join(',', hosts) + (chroot == "/" ? "" : chroot);
    }

    public string Write(string text, ConnectStringLocation location, ConnectionString target)
    {
        var tree = XmlTextTree.Parse(text);
        var zookeeper = ZooKeeperElement(tree);
        var nodes = Nodes(tree, zookeeper);
        var edits = new List<(int Start, int End, string Replacement)>();
        var roots = zookeeper.Named("root");
        if (target.Chroot is { } chroot)
        {
            var root = ConnectStringFileFormats.Single(roots, "<zookeeper><root>", e => ConnectStringFileFormats.LineAt(text, e.OpenStart));
            edits.Add(root.SelfClosing ? (root.OpenStart, root.OpenEnd, $"<root>{XmlTextTree.Escape(chroot)}</root>") : (root.OpenEnd, root.CloseStart, XmlTextTree.Escape(chroot)));
        }
        else if (roots.Count > 0)
        {
            throw new ConnectStringFileException(ConnectStringFileProblem.ValueRefused, "the file sets <zookeeper><root> but the connect string names no chroot");
        }

        for (var i = 0; i < Math.Min(nodes.Count, target.Hosts.Count); i++)
        {
            edits.AddRange(NodeEdits(nodes[i], target.Hosts[i], 0));
        }

        if (target.Hosts.Count > nodes.Count)
        {
            var last = nodes[^1];
            var separator = nodes.Count > 1 && IsBlank(text, nodes[^2].Element.CloseEnd, last.Element.OpenStart)
                ? text[nodes[^2].Element.CloseEnd..last.Element.OpenStart]
                : PropertiesText.FirstNewline(text) + text[LineStart(text, last.Element.OpenStart)..last.Element.OpenStart];
            var template = text[last.Element.OpenStart..last.Element.CloseEnd];
            var added = string.Concat(target.Hosts.Skip(nodes.Count).Select(h => separator + Apply(template, NodeEdits(last, h, last.Element.OpenStart))));
            edits.Add((last.Element.CloseEnd, last.Element.CloseEnd, added));
        }

        foreach (var removed in nodes.Skip(target.Hosts.Count))
        {
            var start = removed.Element.OpenStart;
            var lineStart = LineStart(text, start);
            if (lineStart > 0 && IsBlank(text, lineStart, start))
            {
                // Take the node's indentation and the line ending before it, so no blank line is left behind.
                start = lineStart - (lineStart >= 2 && text[lineStart - 1] == '\n' && text[lineStart - 2] == '\r' ? 2 : 1);
            }

            edits.Add((start, removed.Element.CloseEnd, ""));
        }

        var result = Apply(text, edits);
        XmlTextTree.CheckWellFormed(result);
        return result;
    }

    private sealed record Node(XmlTextElement Element, XmlTextElement Host, XmlTextElement Port);

    private static XmlTextElement ZooKeeperElement(XmlTextTree tree) =>
        ConnectStringFileFormats.Single(tree.Root.Named("zookeeper"), $"<{tree.Root.Name}><zookeeper>", e => ConnectStringFileFormats.LineAt(tree.Text, e.OpenStart));

    private static List<Node> Nodes(XmlTextTree tree, XmlTextElement zookeeper)
    {
        var nodes = zookeeper.Named("node");
        if (nodes.Count == 0)
        {
            throw new ConnectStringFileException(ConnectStringFileProblem.KeyMissing, "<zookeeper> has no <node>; add the current servers before switching");
        }

        return nodes.Select(n => new Node(
            n,
            ConnectStringFileFormats.Single(n.Named("host"), $"<node><host> (line {ConnectStringFileFormats.LineAt(tree.Text, n.OpenStart)})", e => ConnectStringFileFormats.LineAt(tree.Text, e.OpenStart)),
            ConnectStringFileFormats.Single(n.Named("port"), $"<node><port> (line {ConnectStringFileFormats.LineAt(tree.Text, n.OpenStart)})", e => ConnectStringFileFormats.LineAt(tree.Text, e.OpenStart)))).ToList();
    }

    private static int ParsePort(XmlTextTree tree, XmlTextElement port) =>
        int.TryParse(tree.InnerText(port), NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value is > 0 and < 65536
            ? value
            : throw new ConnectStringFileException(ConnectStringFileProblem.Malformed, $"line {ConnectStringFileFormats.LineAt(tree.Text, port.OpenStart)}: <port> is not a port");

    /// <summary>Edits that set a node's host and port, with offsets shifted by <paramref name="origin"/> (0: in the file).</summary>
    private static IEnumerable<(int Start, int End, string Replacement)> NodeEdits(Node node, HostEndpoint endpoint, int origin)
    {
        foreach (var (element, value) in new[] { (node.Host, endpoint.Host), (node.Port, endpoint.Port.ToString(CultureInfo.InvariantCulture)) })
        {
            yield return element.SelfClosing
                ? (element.OpenStart - origin, element.OpenEnd - origin, $"<{element.Name}>{XmlTextTree.Escape(value)}</{element.Name}>")
                : (element.OpenEnd - origin, element.CloseStart - origin, XmlTextTree.Escape(value));
        }
    }

    private static string Apply(string text, IEnumerable<(int Start, int End, string Replacement)> edits)
    {
        var result = text;
        foreach (var (start, end, replacement) in edits.OrderByDescending(e => e.Start))
        {
            result = string.Concat(result.AsSpan(0, start), replacement, result.AsSpan(end));
        }

        return result;
    }

    private static int LineStart(string text, int at)
    {
        var start = at;
        while (start > 0 && text[start - 1] is not ('\n' or '\r'))
        {
            start--;
        }

        return start;
    }

    private static bool IsBlank(string text, int start, int end) => text.AsSpan(start, end - start).Trim(" \t\r\n").IsEmpty;
}
