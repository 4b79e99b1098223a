using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using ZkMitosis.Agent.Files;

namespace ZkMitosis.Agent.Firewall;

/// <summary>
/// One named group of rules: reject TCP with <see cref="Peers"/> (optionally only on <see cref="Ports"/>), or — an
/// election fence — on <see cref="Ports"/> with everyone except <see cref="AllowOnly"/> and loopback.
/// </summary>
public sealed partial record IsolationSpec(string Group, IReadOnlyList<IPNetwork> Peers, IReadOnlyList<int> Ports, FirewallDirection Direction, IReadOnlyList<IPNetwork> AllowOnly)
{
    public const string DefaultGroup = "default";

    public bool IsFence => AllowOnly.Count > 0;

    /// <summary>A short digest of the spec, stored in every rule's comment so a repeated request is recognised exactly.</summary>
    public string Digest
    {
        get
        {
            var text = $"{Group}|{string.Join(',', Peers)}|{string.Join(',', Ports)}|{Direction}|{string.Join(',', AllowOnly)}";
            return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..12];
        }
    }

    /// <summary>The comment carried by every rule of this group.</summary>
    public string Comment => $"zkmitosis group={Group} spec={Digest}";

    /// <summary>Validates and normalises a request (sorted, de-duplicated, addresses as networks).</summary>
    /// <exception cref="InvalidRequestException">a field is malformed.</exception>
    public static IsolationSpec Create(string? group, IEnumerable<string> peers, IEnumerable<uint> ports, FirewallDirection direction, IEnumerable<string> allowOnly)
    {
        var name = string.IsNullOrEmpty(group) ? DefaultGroup : group;
        ValidateGroup(name);
        var peerNetworks = ParseNetworks("peers", peers);
        var allowed = ParseNetworks("allow_only", allowOnly);
        var portList = new SortedSet<int>();
        foreach (var port in ports)
        {
            if (port is 0 or > 65535)
            {
                throw new InvalidRequestException("ports", $"{port} is not a TCP port (1-65535)");
            }

            portList.Add((int)port);
        }

        if (portList.Count > 15)
        {
            throw new InvalidRequestException("ports", $"{portList.Count} ports given; at most 15 per group (iptables multiport)");
        }

        if (allowed.Count > 0)
        {
            if (peerNetworks.Count > 0)
            {
                throw new InvalidRequestException("peers", "must be empty when allow_only is set (an election fence rejects everyone but allow_only)");
            }

            if (portList.Count == 0)
            {
                throw new InvalidRequestException("ports", "an election fence (allow_only) needs the ports it fences, e.g. [3888]");
            }
        }
        else if (peerNetworks.Count == 0)
        {
            throw new InvalidRequestException("peers", "at least one peer address is required (or allow_only for an election fence)");
        }

        return new IsolationSpec(name, peerNetworks, [.. portList], direction, allowed);
    }

    /// <exception cref="InvalidRequestException">not a group name.</exception>
    public static void ValidateGroup(string group)
    {
        if (!GroupPattern().IsMatch(group))
        {
            throw new InvalidRequestException("group", $"'{group}' is not a group name (letters, digits, '-' and '_', 1-20 characters)");
        }
    }

    private static List<IPNetwork> ParseNetworks(string field, IEnumerable<string> values)
    {
        var set = new SortedSet<string>(StringComparer.Ordinal);
        var networks = new List<IPNetwork>();
        foreach (var value in values)
        {
            var text = value.Trim();
            IPNetwork network;
            if (IPAddress.TryParse(text, out var address))
            {
                network = new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
            }
            else if (!IPNetwork.TryParse(text, out network))
            {
                throw new InvalidRequestException(field, $"'{value}' is not an IP address or CIDR (host names are not resolved: rules must not depend on DNS)");
            }

            if (set.Add(network.ToString()))
            {
                networks.Add(network);
            }
        }

        return [.. networks.OrderBy(n => n.ToString(), StringComparer.Ordinal)];
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,20}\\z")]
    private static partial Regex GroupPattern();
}
