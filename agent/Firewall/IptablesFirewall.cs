using System.Globalization;
using System.Net.Sockets;
using System.Text;
using ZkMitosis.Agent.Files;
using ZkMitosis.Agent.Processes;

namespace ZkMitosis.Agent.Firewall;

/// <summary>
/// iptables (IPv4): our chain <c>ZKMITOSIS</c> is jumped to from the first position of INPUT and OUTPUT, so it runs before
/// any established-accept rule; each group is a chain <c>ZKM-GROUP</c> jumped to from ZKMITOSIS, replaced atomically
/// with <c>iptables-restore --noflush</c>. Inbound rules match <c>-s PEER</c> (which only inbound packets carry), outbound
/// rules <c>-d PEER</c>, so one chain serves both hooks.
/// </summary>
public sealed class IptablesFirewall : IFirewallBackend
{
    public const string Chain = "ZKMITOSIS";
    public const string GroupChainPrefix = "ZKM-";

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly ICommandRunner _runner;

    public IptablesFirewall(ICommandRunner runner)
    {
        _runner = runner;
    }

    public string Name => "iptables";

    public void Validate(IsolationSpec spec)
    {
        foreach (var network in spec.Peers.Concat(spec.AllowOnly))
        {
            if (network.BaseAddress.AddressFamily != AddressFamily.InterNetwork)
            {
                throw new InvalidRequestException(spec.IsFence ? "allow_only" : "peers", $"{network} is IPv6; the iptables backend handles IPv4 only (use Firewall.Backend 'nftables')");
            }
        }

        if (spec.IsFence && spec.Direction != FirewallDirection.Both)
        {
            throw new InvalidRequestException("direction", "an election fence on the iptables backend cuts both directions; leave direction unspecified or BOTH");
        }
    }

    public IReadOnlyList<string> Preview(IsolationSpec spec)
    {
        Validate(spec);
        return Render(spec).Select(rule => $"-A {GroupChainPrefix}{spec.Group} {rule}").ToList();
    }

    public async Task<bool> ApplyAsync(IsolationSpec spec, CancellationToken cancellationToken)
    {
        Validate(spec);
        var listing = await ListAsync(cancellationToken).ConfigureAwait(false);
        var hooked = await HooksPresentAsync(cancellationToken).ConfigureAwait(false);
        if (hooked && listing.DigestOf(spec.Group) == spec.Digest && await GroupJumpPresentAsync(spec.Group, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        await EnsureChainAsync(cancellationToken).ConfigureAwait(false);
        var chain = GroupChainPrefix + spec.Group;
        var script = new StringBuilder("*filter\n").Append(':').Append(chain).Append(" - [0:0]\n");
        foreach (var rule in Render(spec))
        {
            script.Append("-A ").Append(chain).Append(' ').Append(rule).Append('\n');
        }

        script.Append("COMMIT\n");
        await RunCheckedAsync("iptables-restore", ["-w", "--noflush"], script.ToString(), cancellationToken).ConfigureAwait(false);
        if (!await GroupJumpPresentAsync(spec.Group, cancellationToken).ConfigureAwait(false))
        {
            await RunCheckedAsync("iptables", ["-w", "-A", Chain, "-j", chain], null, cancellationToken).ConfigureAwait(false);
        }

        await EnsureHooksAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async Task<bool> RemoveAsync(string? group, CancellationToken cancellationToken)
    {
        var chains = await ListChainsAsync(cancellationToken).ConfigureAwait(false);
        var changed = false;
        if (group is not null)
        {
            var chain = GroupChainPrefix + group;
            if (!chains.Contains(chain))
            {
                return false;
            }

            await RunAsync("iptables", ["-w", "-D", Chain, "-j", chain], cancellationToken).ConfigureAwait(false);
            await RunCheckedAsync("iptables", ["-w", "-F", chain], null, cancellationToken).ConfigureAwait(false);
            await RunCheckedAsync("iptables", ["-w", "-X", chain], null, cancellationToken).ConfigureAwait(false);
            return true;
        }

        foreach (var hook in new[] { "INPUT", "OUTPUT" })
        {
            while ((await RunAsync("iptables", ["-w", "-D", hook, "-j", Chain], cancellationToken).ConfigureAwait(false)).Succeeded)
            {
                changed = true;
            }
        }

        foreach (var chain in chains)
        {
            await RunCheckedAsync("iptables", ["-w", "-F", chain], null, cancellationToken).ConfigureAwait(false);
        }

        foreach (var chain in chains)
        {
            await RunCheckedAsync("iptables", ["-w", "-X", chain], null, cancellationToken).ConfigureAwait(false);
            changed = true;
        }

        return changed;
    }

    public async Task<FirewallListing> ListAsync(CancellationToken cancellationToken)
    {
        var all = await RunCheckedAsync("iptables", ["-w", "-S"], null, cancellationToken).ConfigureAwait(false);
        var ours = all.Output.Split('\n')
            .Where(line => line.StartsWith("-N " + Chain, StringComparison.Ordinal)
                           || line.StartsWith("-N " + GroupChainPrefix, StringComparison.Ordinal)
                           || line.StartsWith("-A " + Chain + " ", StringComparison.Ordinal)
                           || line.StartsWith("-A " + GroupChainPrefix, StringComparison.Ordinal)
                           || line == $"-A INPUT -j {Chain}" || line == $"-A OUTPUT -j {Chain}")
            .ToList();
        var rules = ours.Where(line => line.StartsWith("-A " + GroupChainPrefix, StringComparison.Ordinal)).Select(ParseRule).ToList();
        return new FirewallListing(Name, rules, string.Join('\n', ours));
    }

    /// <summary>The rule bodies (after <c>-A CHAIN</c>) for a group, in the order iptables prints them back.</summary>
    internal static IReadOnlyList<string> Render(IsolationSpec spec)
    {
        var comment = $"-m comment --comment \"{spec.Comment}\"";
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

    private async Task<HashSet<string>> ListChainsAsync(CancellationToken cancellationToken)
    {
        var all = await RunCheckedAsync("iptables", ["-w", "-S"], null, cancellationToken).ConfigureAwait(false);
        return all.Output.Split('\n')
            .Where(l => l.StartsWith("-N ", StringComparison.Ordinal))
            .Select(l => l[3..].Trim())
            .Where(c => c == Chain || c.StartsWith(GroupChainPrefix, StringComparison.Ordinal))
            .ToHashSet(StringComparer.Ordinal);
    }

    private async Task EnsureChainAsync(CancellationToken cancellationToken)
    {
        if (!(await RunAsync("iptables", ["-w", "-S", Chain], cancellationToken).ConfigureAwait(false)).Succeeded)
        {
            await RunCheckedAsync("iptables", ["-w", "-N", Chain], null, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<bool> HooksPresentAsync(CancellationToken cancellationToken) =>
        (await RunAsync("iptables", ["-w", "-C", "INPUT", "-j", Chain], cancellationToken).ConfigureAwait(false)).Succeeded
        && (await RunAsync("iptables", ["-w", "-C", "OUTPUT", "-j", Chain], cancellationToken).ConfigureAwait(false)).Succeeded;

    private async Task<bool> GroupJumpPresentAsync(string group, CancellationToken cancellationToken) =>
        (await RunAsync("iptables", ["-w", "-C", Chain, "-j", GroupChainPrefix + group], cancellationToken).ConfigureAwait(false)).Succeeded;

    private async Task EnsureHooksAsync(CancellationToken cancellationToken)
    {
        foreach (var hook in new[] { "INPUT", "OUTPUT" })
        {
            if (!(await RunAsync("iptables", ["-w", "-C", hook, "-j", Chain], cancellationToken).ConfigureAwait(false)).Succeeded)
            {
                // Position 1: before any ACCEPT of established traffic the host may have.
                await RunCheckedAsync("iptables", ["-w", "-I", hook, "1", "-j", Chain], null, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private Task<CommandResult> RunAsync(string file, string[] arguments, CancellationToken cancellationToken) =>
        _runner.RunAsync(file, arguments, Timeout, cancellationToken: cancellationToken);

    private async Task<CommandResult> RunCheckedAsync(string file, string[] arguments, string? input, CancellationToken cancellationToken)
    {
        var result = await _runner.RunAsync(file, arguments, Timeout, input, cancellationToken).ConfigureAwait(false);
        return result.Succeeded ? result : throw CommandFailedException.From(result);
    }
}
