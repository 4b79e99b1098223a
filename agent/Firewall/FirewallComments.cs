using System.Text.RegularExpressions;

namespace ZkMitosis.Agent.Firewall;

/// <summary>Reads the <c>zkmitosis group=G spec=D</c> comment every rule of ours carries.</summary>
public static partial class FirewallComments
{
    public static string? Group(string ruleText) => Pattern().Match(ruleText) is { Success: true } m ? m.Groups["group"].Value : null;

    public static string? Digest(string ruleText) => Pattern().Match(ruleText) is { Success: true } m ? m.Groups["spec"].Value : null;

    [GeneratedRegex("zkmitosis group=(?<group>[A-Za-z0-9_-]+) spec=(?<spec>[0-9a-f]+)")]
    private static partial Regex Pattern();
}
