namespace ZkMitosis.Agent.Firewall;

/// <summary>One of our rules as the backend lists it.</summary>
public sealed record FirewallRuleView(string Group, FirewallDirection Direction, string Verdict, string Peer, IReadOnlyList<int> Ports, string Text);

/// <summary>Our rules and the backend's own listing of our chain/table.</summary>
public sealed record FirewallListing(string Backend, IReadOnlyList<FirewallRuleView> Rules, string Raw)
{
    /// <summary>The spec digest recorded in a group's rules, or null when the group has none.</summary>
    public string? DigestOf(string group) =>
        Rules.Where(r => r.Group == group).Select(r => FirewallComments.Digest(r.Text)).FirstOrDefault(d => d is not null);

    public IReadOnlySet<string> Groups => Rules.Select(r => r.Group).ToHashSet(StringComparer.Ordinal);
}
