using System.Globalization;
using System.Net.Sockets;
using System.Text;
using ZkMitosis.Agent.Files;
using ZkMitosis.Agent.Processes;

namespace ZkMitosis.Agent.Firewall;

/// <summary>
/// iptables for IPv4 and ip6tables for IPv6 (separate tables, the same layout in each): our chain <c>ZKMITOSIS</c> is
/// jumped to from the first position of INPUT and OUTPUT, so it runs before any established-accept rule; each group is a
/// chain <c>ZKM-GROUP</c> jumped to from ZKMITOSIS, replaced atomically with <c>iptables-restore --noflush</c>. Inbound
/// rules match <c>-s PEER</c> (which only inbound packets carry), outbound rules <c>-d PEER</c>, so one chain serves both
/// hooks. A family is touched only for a group with addresses of that family: an IPv4-only host never needs ip6tables.
/// </summary>
public sealed class IptablesFirewall : IFirewallBackend
{
    public const string Chain = "ZKMITOSIS";
    public const string GroupChainPrefix = "ZKM-";

    private readonly IptablesTable _v4;
    private readonly IptablesTable _v6;

    public IptablesFirewall(ICommandRunner runner)
    {
        _v4 = IptablesTable.V4(runner);
        _v6 = IptablesTable.V6(runner);
    }

    public string Name => "iptables";

    public void Validate(IsolationSpec spec)
    {
        if (spec.IsFence && spec.Direction != FirewallDirection.Both)
        {
            throw new InvalidRequestException("direction", "an election fence on the iptables backend cuts both directions; leave direction unspecified or BOTH");
        }
    }

    public IReadOnlyList<string> Preview(IsolationSpec spec)
    {
        Validate(spec);
        // As each family's tool would apply them: IPv4 peers with iptables, IPv6 peers with ip6tables.
        return Families.SelectMany(f => Render(spec, f.Family).Select(rule => $"{f.Table.Command} -A {GroupChainPrefix}{spec.Group} {rule}")).ToList();
    }

    public async Task<bool> ApplyAsync(IsolationSpec spec, CancellationToken cancellationToken)
    {
        Validate(spec);
        var changed = false;
        foreach (var (table, family) in Families)
        {
            var rules = Render(spec, family);
            if (rules.Count == 0)
            {
                // The group holds no address of this family (any more): nothing of it may stay there.
                changed |= await table.RemoveGroupAsync(spec.Group, cancellationToken).ConfigureAwait(false);
                continue;
            }

            var listing = Parse(await table.OurLinesAsync(cancellationToken).ConfigureAwait(false));
            if (listing.DigestOf(spec.Group) == spec.Digest && await table.GroupHookedAsync(spec.Group, cancellationToken).ConfigureAwait(false))
            {
                continue;
            }

            await table.ApplyAsync(spec.Group, rules, cancellationToken).ConfigureAwait(false);
            changed = true;
        }

        return changed;
    }

    public async Task<bool> RemoveAsync(string? group, CancellationToken cancellationToken)
    {
        var changed = false;
        foreach (var (table, _) in Families)
        {
            changed |= group is null
                ? await table.RemoveAllAsync(cancellationToken).ConfigureAwait(false)
                : await table.RemoveGroupAsync(group, cancellationToken).ConfigureAwait(false);
        }

        return changed;
    }

    /// <summary>Our rules of both families; <see cref="FirewallListing.Raw"/> is iptables' lines, then ip6tables' (when it has any of ours).</summary>
    public async Task<FirewallListing> ListAsync(CancellationToken cancellationToken)
    {
        var lines = new List<string>();
        foreach (var (table, _) in Families)
        {
            lines.AddRange(await table.OurLinesAsync(cancellationToken).ConfigureAwait(false));
        }

        return Parse(lines);
    }

    private (IptablesTable Table, AddressFamily Family)[] Families => [(_v4, AddressFamily.InterNetwork), (_v6, AddressFamily.InterNetworkV6)];

    private FirewallListing Parse(IReadOnlyList<string> ours) =>
        new(Name, ours.Where(line => line.StartsWith("-A " + GroupChainPrefix, StringComparison.Ordinal)).Select(ParseRule).ToList(), string.Join('\n', ours));

    /// <summary>
    /// The rule bodies (after <c>-A CHAIN</c>) of a group's addresses of <paramref name="family"/>, in the order iptables
    /// prints them back; empty when the group names no address of that family.
    /// </summary>
    internal static IReadOnlyList<string> Render(IsolationSpec spec, AddressFamily family)
    {
        var peers = spec.Peers.Where(p => p.BaseAddress.AddressFamily == family).ToList();
        var allowed = spec.AllowOnly.Where(p => p.BaseAddress.AddressFamily == family).ToList();
        // A fence goes into the families its allowed addresses are in: the members it protects speak that family.
        return spec.IsFence
            ? allowed.Count == 0 ? [] : Render(spec with { AllowOnly = allowed }, spec.Comment)
            : peers.Count == 0 ? [] : Render(spec with { Peers = peers }, spec.Comment);
    }

    /// <summary>The rule bodies for <paramref name="spec"/>'s addresses, each carrying <paramref name="groupComment"/> (the whole group's digest).</summary>
    private static IReadOnlyList<string> Render(IsolationSpec spec, string groupComment)
    {
        var comment = $"-m comment --comment \"{groupComment}\"";
        // RSTs pass: a REJECT in OUTPUT answers our own SYN with a reset that appears to come from the peer, and it must
        // reach our socket (connection refused) instead of being rejected again on the way in (a silent timeout).
        var ports = spec.Ports.Count == 0 ? "-p tcp -m tcp ! --tcp-flags RST RST" : "-p tcp -m tcp ! --tcp-flags RST RST -m multiport --ports " + string.Join(',', spec.Ports);
        const string Reject = "-j REJECT --reject-with tcp-reset";
        var rules = new List<string>();
        if (spec.IsFence)
        {
            rules.Add($"-i lo {comment} -j RETURN");
            rules.Add($"-o lo {comment} -j RETURN");
            foreach (var allowed in spec.AllowOnly)
            {
                rules.Add($"-s {allowed} {comment} -j RETURN");
                rules.Add($"-d {allowed} {comment} -j RETURN");
            }

            rules.Add($"{ports} {comment} {Reject}");
            return rules;
        }

        foreach (var peer in spec.Peers)
        {
            if (spec.Direction is FirewallDirection.Both or FirewallDirection.Inbound)
            {
                rules.Add($"-s {peer} {ports} {comment} {Reject}");
            }

            if (spec.Direction is FirewallDirection.Both or FirewallDirection.Outbound)
            {
                rules.Add($"-d {peer} {ports} {comment} {Reject}");
            }
        }

        return rules;
    }

    private static FirewallRuleView ParseRule(string line)
    {
        var tokens = Tokenize(line);
        string? Value(string flag)
        {
            var index = tokens.IndexOf(flag);
            return index >= 0 && index + 1 < tokens.Count ? tokens[index + 1] : null;
        }

        var chain = tokens.Count > 1 ? tokens[1] : "";
        var group = FirewallComments.Group(line) ?? chain[GroupChainPrefix.Length..];
        var source = Value("-s");
        var destination = Value("-d");
        var direction = source is not null || Value("-i") is not null ? FirewallDirection.Inbound
            : destination is not null || Value("-o") is not null ? FirewallDirection.Outbound
            : FirewallDirection.Both;
        var verdict = Value("-j") == "RETURN" ? "accept" : "reject";
        var ports = (Value("--ports") ?? Value("--dport") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToList();
        var peer = source ?? destination ?? (Value("-i") ?? Value("-o")) ?? "";
        return new FirewallRuleView(group, direction, verdict, peer, ports, line);
    }

    private static List<string> Tokenize(string line)
    {
        var tokens = new List<string>();
        var current = new StringBuilder();
        var quoted = false;
        foreach (var c in line)
        {
            if (c == '"')
            {
                quoted = !quoted;
            }
            else if (c == ' ' && !quoted)
            {
                if (current.Length > 0)
                {
                    tokens.Add(current.ToString());
                    current.Clear();
                }
            }
            else
            {
                current.Append(c);
            }
        }

        if (current.Length > 0)
        {
            tokens.Add(current.ToString());
        }

        return tokens;
    }
}
