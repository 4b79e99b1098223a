using System.Text;
using ZkMitosis.Agent.Processes;

namespace ZkMitosis.Agent.Firewall;

/// <summary>
/// Our chains in one iptables family: <c>iptables</c> (IPv4) or <c>ip6tables</c> (IPv6), which keep separate tables, so
/// each family's rules are made, checked and removed with its own commands. See <see cref="IptablesFirewall"/>.
/// </summary>
internal sealed class IptablesTable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly ICommandRunner _runner;
    private readonly string _restore;
    private readonly bool _optional;

    private IptablesTable(ICommandRunner runner, string command, string restore, bool optional)
    {
        _runner = runner;
        Command = command;
        _restore = restore;
        _optional = optional;
    }

    /// <summary><c>iptables</c> or <c>ip6tables</c>.</summary>
    public string Command { get; }

    public static IptablesTable V4(ICommandRunner runner) => new(runner, "iptables", "iptables-restore", optional: false);

    /// <summary>
    /// ip6tables is optional: on a host where it cannot list (not installed, a kernel without IPv6) none of our rules can
    /// be there, so listing and removing see nothing; adding an IPv6 rule still fails with ip6tables' own error.
    /// </summary>
    public static IptablesTable V6(ICommandRunner runner) => new(runner, "ip6tables", "ip6tables-restore", optional: true);

    /// <summary>Our lines of <c>-S</c>: our chains, their rules, and the INPUT/OUTPUT jumps to <see cref="IptablesFirewall.Chain"/>.</summary>
    public async Task<IReadOnlyList<string>> OurLinesAsync(CancellationToken cancellationToken)
    {
        CommandResult all;
        try
        {
            all = await RunCheckedAsync(["-w", "-S"], null, cancellationToken).ConfigureAwait(false);
        }
        catch (CommandFailedException) when (_optional)
        {
            return [];
        }

        const string Chain = IptablesFirewall.Chain;
        const string Prefix = IptablesFirewall.GroupChainPrefix;
        return all.Output.Split('\n')
            .Where(line => line.StartsWith("-N " + Chain, StringComparison.Ordinal)
                           || line.StartsWith("-N " + Prefix, StringComparison.Ordinal)
                           || line.StartsWith("-A " + Chain + " ", StringComparison.Ordinal)
                           || line.StartsWith("-A " + Prefix, StringComparison.Ordinal)
                           || line == $"-A INPUT -j {Chain}" || line == $"-A OUTPUT -j {Chain}")
            .ToList();
    }

    /// <summary>Our chains (<see cref="IptablesFirewall.Chain"/> and every group chain).</summary>
    public async Task<HashSet<string>> ChainsAsync(CancellationToken cancellationToken) =>
        (await OurLinesAsync(cancellationToken).ConfigureAwait(false))
            .Where(l => l.StartsWith("-N ", StringComparison.Ordinal))
            .Select(l => l[3..].Trim())
            .ToHashSet(StringComparer.Ordinal);

    /// <summary>True when INPUT and OUTPUT jump to our chain and our chain jumps to the group's.</summary>
    public async Task<bool> GroupHookedAsync(string group, CancellationToken cancellationToken) =>
        (await RunAsync(["-w", "-C", "INPUT", "-j", IptablesFirewall.Chain], cancellationToken).ConfigureAwait(false)).Succeeded
        && (await RunAsync(["-w", "-C", "OUTPUT", "-j", IptablesFirewall.Chain], cancellationToken).ConfigureAwait(false)).Succeeded
        && (await RunAsync(["-w", "-C", IptablesFirewall.Chain, "-j", IptablesFirewall.GroupChainPrefix + group], cancellationToken).ConfigureAwait(false)).Succeeded;

    /// <summary>Replaces the group's chain with <paramref name="rules"/> in one <c>-restore --noflush</c>, then hooks it.</summary>
    public async Task ApplyAsync(string group, IReadOnlyList<string> rules, CancellationToken cancellationToken)
    {
        if (!(await RunAsync(["-w", "-S", IptablesFirewall.Chain], cancellationToken).ConfigureAwait(false)).Succeeded)
        {
            await RunCheckedAsync(["-w", "-N", IptablesFirewall.Chain], null, cancellationToken).ConfigureAwait(false);
        }

        var chain = IptablesFirewall.GroupChainPrefix + group;
        var script = new StringBuilder("*filter\n").Append(':').Append(chain).Append(" - [0:0]\n");
        foreach (var rule in rules)
        {
            script.Append("-A ").Append(chain).Append(' ').Append(rule).Append('\n');
        }

        script.Append("COMMIT\n");
        var restored = await _runner.RunAsync(_restore, ["-w", "--noflush"], Timeout, script.ToString(), cancellationToken).ConfigureAwait(false);
        if (!restored.Succeeded)
        {
            throw CommandFailedException.From(restored);
        }

        if (!(await RunAsync(["-w", "-C", IptablesFirewall.Chain, "-j", chain], cancellationToken).ConfigureAwait(false)).Succeeded)
        {
            await RunCheckedAsync(["-w", "-A", IptablesFirewall.Chain, "-j", chain], null, cancellationToken).ConfigureAwait(false);
        }

        foreach (var hook in new[] { "INPUT", "OUTPUT" })
        {
            if (!(await RunAsync(["-w", "-C", hook, "-j", IptablesFirewall.Chain], cancellationToken).ConfigureAwait(false)).Succeeded)
            {
                // Position 1: before any ACCEPT of established traffic the host may have.
                await RunCheckedAsync(["-w", "-I", hook, "1", "-j", IptablesFirewall.Chain], null, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Removes one group's chain; false when this family has none.</summary>
    public async Task<bool> RemoveGroupAsync(string group, CancellationToken cancellationToken)
    {
        var chain = IptablesFirewall.GroupChainPrefix + group;
        if (!(await ChainsAsync(cancellationToken).ConfigureAwait(false)).Contains(chain))
        {
            return false;
        }

        await RunAsync(["-w", "-D", IptablesFirewall.Chain, "-j", chain], cancellationToken).ConfigureAwait(false);
        await RunCheckedAsync(["-w", "-F", chain], null, cancellationToken).ConfigureAwait(false);
        await RunCheckedAsync(["-w", "-X", chain], null, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Removes the hooks and every chain of ours; false when there was nothing.</summary>
    public async Task<bool> RemoveAllAsync(CancellationToken cancellationToken)
    {
        var chains = await ChainsAsync(cancellationToken).ConfigureAwait(false);
        var changed = false;
        foreach (var hook in new[] { "INPUT", "OUTPUT" })
        {
            while ((await RunAsync(["-w", "-D", hook, "-j", IptablesFirewall.Chain], cancellationToken).ConfigureAwait(false)).Succeeded)
            {
                changed = true;
            }
        }

        foreach (var chain in chains)
        {
            await RunCheckedAsync(["-w", "-F", chain], null, cancellationToken).ConfigureAwait(false);
        }

        foreach (var chain in chains)
        {
            await RunCheckedAsync(["-w", "-X", chain], null, cancellationToken).ConfigureAwait(false);
            changed = true;
        }

        return changed;
    }

    private Task<CommandResult> RunAsync(string[] arguments, CancellationToken cancellationToken) =>
        _runner.RunAsync(Command, arguments, Timeout, cancellationToken: cancellationToken);

    private async Task<CommandResult> RunCheckedAsync(string[] arguments, string? input, CancellationToken cancellationToken)
    {
        var result = await _runner.RunAsync(Command, arguments, Timeout, input, cancellationToken).ConfigureAwait(false);
        return result.Succeeded ? result : throw CommandFailedException.From(result);
    }
}
