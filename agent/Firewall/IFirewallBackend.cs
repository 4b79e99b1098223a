namespace ZkMitosis.Agent.Firewall;

/// <summary>
/// Our firewall rules in a chain/table of our own, inserted before any rule of the host's (so before an
/// established-accept). Every change is idempotent; listing shows exactly our rules.
/// </summary>
public interface IFirewallBackend
{
    /// <summary>"iptables" or "nftables".</summary>
    string Name { get; }

    /// <summary>Checks the rules can be rendered for this backend (a barrier's Arm) without touching the firewall.</summary>
    /// <exception cref="Files.InvalidRequestException">the backend cannot express the spec.</exception>
    void Validate(IsolationSpec spec);

    /// <summary>
    /// The rules <see cref="ApplyAsync"/> would add for <paramref name="spec"/>, as the backend is given them, from the
    /// same rendering; touches nothing (a dry run).
    /// </summary>
    /// <exception cref="Files.InvalidRequestException">the backend cannot express the spec.</exception>
    IReadOnlyList<string> Preview(IsolationSpec spec);

    /// <summary>Makes the group exactly <paramref name="spec"/>; false when it already was.</summary>
    Task<bool> ApplyAsync(IsolationSpec spec, CancellationToken cancellationToken);

    /// <summary>Removes one group, or everything of ours (group null); false when there was nothing to remove.</summary>
    Task<bool> RemoveAsync(string? group, CancellationToken cancellationToken);

    Task<FirewallListing> ListAsync(CancellationToken cancellationToken);
}
