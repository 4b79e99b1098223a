namespace ZkMitosis.Agent.Firewall;

/// <summary>Which traffic a group of rules cuts.</summary>
public enum FirewallDirection
{
    Both,
    Inbound,
    Outbound,
}
