using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using ZkMitosis.Agent.Processes;

namespace ZkMitosis.Agent.Firewall;

/// <summary>
/// nftables: our table <c>inet zkmitosis</c> with base chains <c>input</c> and <c>output</c> at priority filter - 10 (so
/// before the host's filter chains, and a reject here is final whatever they accept). Each group is a pair of chains
/// <c>g_GROUP_in</c> / <c>g_GROUP_out</c>; every change is one atomic <c>nft -f</c> transaction. IPv4 and IPv6.
/// </summary>
public sealed partial class NftablesFirewall : IFirewallBackend
{
    public const string Table = "zkmitosis";

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly ICommandRunner _runner;

    public NftablesFirewall(ICommandRunner runner)
    {
        _runner = runner;
    }

    public string Name => "nftables";

    public void Validate(IsolationSpec spec)
    {
        // Every spec IsolationSpec accepts can be expressed here.
    }

    public IReadOnlyList<string> Preview(IsolationSpec spec)
    {
        Validate(spec);
        return Render(spec).Select(r => $"add rule inet {Table} g_{spec.Group}_{r.Chain} {r.Rule}").ToList();
    }

    public async Task<bool> ApplyAsync(IsolationSpec spec, CancellationToken cancellationToken)
    {
        var listing = await ListAsync(cancellationToken).ConfigureAwait(false);
        if (listing.DigestOf(spec.Group) == spec.Digest && listing.Raw.Contains($"jump g_{spec.Group}_in", StringComparison.Ordinal))
        {
            return false;
        }

        var groups = listing.Groups.Append(spec.Group).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var script = new StringBuilder();
        AppendBase(script);
        script.Append(CultureInfo.InvariantCulture, $"add chain inet {Table} g_{spec.Group}_in\nflush chain inet {Table} g_{spec.Group}_in\n");
        script.Append(CultureInfo.InvariantCulture, $"add chain inet {Table} g_{spec.Group}_out\nflush chain inet {Table} g_{spec.Group}_out\n");
        foreach (var (chain, rule) in Render(spec))
        {
            script.Append(CultureInfo.InvariantCulture, $"add rule inet {Table} g_{spec.Group}_{chain} {rule}\n");
        }

        AppendJumps(script, groups);
        await NftAsync(script.ToString(), cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async Task<bool> RemoveAsync(string? group, CancellationToken cancellationToken)
    {
        var listing = await ListAsync(cancellationToken).ConfigureAwait(false);
        if (listing.Raw.Length == 0)
        {
            return false;
        }

        if (group is null)
        {
            await NftAsync($"delete table inet {Table}\n", cancellationToken).ConfigureAwait(false);
            return true;
        }

        var chains = ChainNames(listing.Raw);
        if (!chains.Contains($"g_{group}_in") && !chains.Contains($"g_{group}_out"))
        {
            return false;
        }

        var script = new StringBuilder();
        AppendBase(script);
        AppendJumps(script, listing.Groups.Where(g => g != group).Order(StringComparer.Ordinal));
        foreach (var suffix in new[] { "in", "out" })
        {
            if (chains.Contains($"g_{group}_{suffix}"))
            {
                script.Append(CultureInfo.InvariantCulture, $"flush chain inet {Table} g_{group}_{suffix}\ndelete chain inet {Table} g_{group}_{suffix}\n");
            }
        }

        await NftAsync(script.ToString(), cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async Task<FirewallListing> ListAsync(CancellationToken cancellationToken)
    {
        var result = await _runner.RunAsync("nft", ["list", "table", "inet", Table], Timeout, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            // "No such file or directory": the table does not exist, so we have no rules.
            if (result.Error.Contains("No such file", StringComparison.Ordinal) || result.Error.Contains("does not exist", StringComparison.Ordinal))
            {
                return new FirewallListing(Name, [], "");
            }

            throw CommandFailedException.From(result);
        }

        var rules = new List<FirewallRuleView>();
        string? chain = null;
        foreach (var rawLine in result.Output.Split('\n'))
        {
            var line = rawLine.Trim();
            var chainMatch = ChainHeader().Match(line);
            if (chainMatch.Success)
            {
                chain = chainMatch.Groups["name"].Value;
                continue;
            }

            if (line == "}")
            {
                chain = null;
                continue;
            }

            if (chain is null || !chain.StartsWith("g_", StringComparison.Ordinal) || line.Length == 0)
            {
                continue;
            }

            rules.Add(ParseRule(chain, line));
        }

        return new FirewallListing(Name, rules, result.Output.TrimEnd());
    }

    /// <summary>(chain suffix "in"/"out", rule text) for a group.</summary>
    internal static IReadOnlyList<(string Chain, string Rule)> Render(IsolationSpec spec)
    {
        var comment = $"comment \"{spec.Comment}\"";
        // RSTs pass: a reject in output answers our own SYN with a reset that appears to come from the peer, and it must
        // reach our socket (connection refused) instead of being rejected again on the way in (a silent timeout).
        const string Reject = "tcp flags & rst == 0 reject with tcp reset";
        var rules = new List<(string, string)>();
        var portMatches = spec.Ports.Count == 0
            ? ["meta l4proto tcp"]
            : new[] { $"tcp dport {PortSet(spec.Ports)}", $"tcp sport {PortSet(spec.Ports)}" };
        if (spec.IsFence)
        {
            foreach (var (chain, iface, addressField) in new[] { ("in", "iif", "saddr"), ("out", "oif", "daddr") })
            {
                if (chain == "in" ? spec.Direction == FirewallDirection.Outbound : spec.Direction == FirewallDirection.Inbound)
                {
                    continue;
                }

                rules.Add((chain, $"{iface} \"lo\" return {comment}"));
                foreach (var allowed in spec.AllowOnly)
                {
                    rules.Add((chain, $"{Family(allowed)} {addressField} {Address(allowed)} return {comment}"));
                }

                foreach (var match in portMatches)
                {
                    rules.Add((chain, $"{match} {Reject} {comment}"));
                }
            }

            return rules;
        }

        foreach (var peer in spec.Peers)
        {
            foreach (var match in portMatches)
            {
                if (spec.Direction is FirewallDirection.Both or FirewallDirection.Inbound)
                {
                    rules.Add(("in", $"{Family(peer)} saddr {Address(peer)} {match} {Reject} {comment}"));
                }

                if (spec.Direction is FirewallDirection.Both or FirewallDirection.Outbound)
                {
                    rules.Add(("out", $"{Family(peer)} daddr {Address(peer)} {match} {Reject} {comment}"));
                }
            }
        }

        return rules;
    }

    private static void AppendBase(StringBuilder script)
    {
        script.Append(CultureInfo.InvariantCulture, $"add table inet {Table}\n");
        script.Append(CultureInfo.InvariantCulture, $"add chain inet {Table} input {{ type filter hook input priority filter - 10 ; policy accept ; }}\n");
        script.Append(CultureInfo.InvariantCulture, $"add chain inet {Table} output {{ type filter hook output priority filter - 10 ; policy accept ; }}\n");
    }

    private static void AppendJumps(StringBuilder script, IEnumerable<string> groups)
    {
        script.Append(CultureInfo.InvariantCulture, $"flush chain inet {Table} input\nflush chain inet {Table} output\n");
        foreach (var group in groups)
        {
            script.Append(CultureInfo.InvariantCulture, $"add rule inet {Table} input jump g_{group}_in\n");
            script.Append(CultureInfo.InvariantCulture, $"add rule inet {Table} output jump g_{group}_out\n");
        }
    }

    private static FirewallRuleView ParseRule(string chain, string line)
    {
        var group = FirewallComments.Group(line) ?? chain[2..chain.LastIndexOf('_')];
        var direction = chain.EndsWith("_in", StringComparison.Ordinal) ? FirewallDirection.Inbound : FirewallDirection.Outbound;
        var verdict = line.Contains(" return", StringComparison.Ordinal) ? "accept" : "reject";
        var address = AddressMatch().Match(line);
        var peer = address.Success ? address.Groups["peer"].Value : line.StartsWith("iif \"lo\"", StringComparison.Ordinal) || line.StartsWith("oif \"lo\"", StringComparison.Ordinal) ? "lo" : "";
        var portMatch = PortMatch().Match(line);
        var ports = portMatch.Success
            ? portMatch.Groups["ports"].Value.Trim('{', '}', ' ').Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToList()
            : [];
        return new FirewallRuleView(group, direction, verdict, peer, ports, line);
    }

    private static HashSet<string> ChainNames(string listing) =>
        listing.Split('\n').Select(l => ChainHeader().Match(l.Trim())).Where(m => m.Success).Select(m => m.Groups["name"].Value).ToHashSet(StringComparer.Ordinal);

    private static string Family(IPNetwork network) => network.BaseAddress.AddressFamily == AddressFamily.InterNetworkV6 ? "ip6" : "ip";

    /// <summary>nft prints single hosts without the prefix length; render them the same way.</summary>
    private static string Address(IPNetwork network) =>
        network.PrefixLength == (network.BaseAddress.AddressFamily == AddressFamily.InterNetworkV6 ? 128 : 32) ? network.BaseAddress.ToString() : network.ToString();

    private static string PortSet(IReadOnlyList<int> ports) =>
        ports.Count == 1 ? ports[0].ToString(CultureInfo.InvariantCulture) : "{ " + string.Join(", ", ports) + " }";

    private async Task NftAsync(string script, CancellationToken cancellationToken)
    {
        var result = await _runner.RunAsync("nft", ["-f", "-"], Timeout, script, cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw CommandFailedException.From(result);
        }
    }

    [GeneratedRegex("^chain (?<name>[A-Za-z0-9_-]+) \\{\\z")]
    private static partial Regex ChainHeader();

    [GeneratedRegex("ip6? [sd]addr (?<peer>[0-9a-fA-F:./]+)")]
    private static partial Regex AddressMatch();

    [GeneratedRegex("tcp [sd]port (?<ports>\\{[^}]*\\}|\\d+)")]
    private static partial Regex PortMatch();
}
