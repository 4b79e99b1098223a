namespace ZkMitosis.Lab.Network;

/// <summary>
/// <c>lab partition</c>: iptables rules inside one host's namespace (never the root namespace) that drop
/// traffic to and from chosen peers, in a chain of the lab's own so healing removes exactly what was added.
/// </summary>
public static class LabFirewall
{
    /// <summary>The lab's chain; the agent's migration rules live in chains of its own.</summary>
    public const string Chain = "ZKMLAB-PARTITION";

    /// <summary>Drops every packet between the host in <paramref name="namespaceName"/> and each of <paramref name="peerAddresses"/>.</summary>
    public static async Task PartitionAsync(string namespaceName, IEnumerable<string> peerAddresses, CancellationToken cancellationToken)
    {
        await EnsureChainAsync(namespaceName, cancellationToken).ConfigureAwait(false);
        var existing = await ListRulesAsync(namespaceName, cancellationToken).ConfigureAwait(false);
        foreach (var peer in peerAddresses)
        {
            foreach (var (direction, rule) in new[] { ("-s", $"-A {Chain} -s {peer}/32 -j DROP"), ("-d", $"-A {Chain} -d {peer}/32 -j DROP") })
            {
                if (!existing.Contains(rule))
                {
                    await IptablesAsync(namespaceName, ["-A", Chain, direction, peer, "-j", "DROP"], cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    /// <summary>
    /// Refuses (TCP reset) every connection and packet arriving at <paramref name="port"/> in <paramref name="namespaceName"/>:
    /// a host whose agent the coordinator cannot reach while everything else still flows. Healed with the rest.
    /// </summary>
    public static async Task RefusePortAsync(string namespaceName, int port, CancellationToken cancellationToken)
    {
        await EnsureChainAsync(namespaceName, cancellationToken).ConfigureAwait(false);
        var portText = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (!(await ListRulesAsync(namespaceName, cancellationToken).ConfigureAwait(false)).Any(r => r.Contains($"--dport {portText} ", StringComparison.Ordinal)))
        {
            await IptablesAsync(namespaceName, ["-A", Chain, "-p", "tcp", "--dport", portText, "-j", "REJECT", "--reject-with", "tcp-reset"], cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Removes the lab's partition rules for <paramref name="peerAddresses"/>, or all of them when null.</summary>
    public static async Task HealAsync(string namespaceName, IEnumerable<string>? peerAddresses, CancellationToken cancellationToken)
    {
        var rules = await ListRulesAsync(namespaceName, cancellationToken).ConfigureAwait(false);
        if (rules.Count == 0 && !await ChainExistsAsync(namespaceName, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        if (peerAddresses is null)
        {
            await IptablesAsync(namespaceName, ["-F", Chain], cancellationToken).ConfigureAwait(false);
            return;
        }

        foreach (var peer in peerAddresses)
        {
            foreach (var direction in new[] { "-s", "-d" })
            {
                if (rules.Contains($"-A {Chain} {direction} {peer}/32 -j DROP"))
                {
                    await IptablesAsync(namespaceName, ["-D", Chain, direction, peer, "-j", "DROP"], cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    /// <summary>The rules in the lab's chain as <c>iptables -S</c> prints them (empty when there is no chain).</summary>
    public static async Task<IReadOnlyList<string>> ListRulesAsync(string namespaceName, CancellationToken cancellationToken)
    {
        var result = await CommandRunner.RunAsync("ip", ["netns", "exec", namespaceName, "iptables", "-w", "5", "-S", Chain], cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            return [];
        }

        return result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => line.StartsWith("-A ", StringComparison.Ordinal))
            .ToList();
    }

    /// <summary>The peers this host is partitioned from (addresses with both rules present).</summary>
    public static async Task<IReadOnlyList<string>> PartitionedPeersAsync(string namespaceName, CancellationToken cancellationToken)
    {
        var rules = await ListRulesAsync(namespaceName, cancellationToken).ConfigureAwait(false);
        return rules
            .Select(rule => rule.Split(' '))
            .Where(parts => parts.Length >= 4 && parts[2] == "-s")
            .Select(parts => parts[3].Replace("/32", string.Empty, StringComparison.Ordinal))
            .ToList();
    }

    private static async Task<bool> ChainExistsAsync(string namespaceName, CancellationToken cancellationToken)
    {
        var result = await CommandRunner.RunAsync("ip", ["netns", "exec", namespaceName, "iptables", "-w", "5", "-S", Chain], cancellationToken: cancellationToken).ConfigureAwait(false);
        return result.Succeeded;
    }

    private static async Task EnsureChainAsync(string namespaceName, CancellationToken cancellationToken)
    {
        if (!await ChainExistsAsync(namespaceName, cancellationToken).ConfigureAwait(false))
        {
            await IptablesAsync(namespaceName, ["-N", Chain], cancellationToken).ConfigureAwait(false);
        }

        // Jumps first in INPUT and OUTPUT, so an established-accept rule added later by anyone cannot let traffic past.
        foreach (var builtIn in new[] { "INPUT", "OUTPUT" })
        {
            var check = await CommandRunner.RunAsync("ip", ["netns", "exec", namespaceName, "iptables", "-w", "5", "-C", builtIn, "-j", Chain], cancellationToken: cancellationToken).ConfigureAwait(false);
            if (!check.Succeeded)
            {
                await IptablesAsync(namespaceName, ["-I", builtIn, "1", "-j", Chain], cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static Task<string> IptablesAsync(string namespaceName, IReadOnlyList<string> arguments, CancellationToken cancellationToken) =>
        CommandRunner.RunCheckedAsync("ip", new[] { "netns", "exec", namespaceName, "iptables", "-w", "5" }.Concat(arguments), cancellationToken: cancellationToken);
}
