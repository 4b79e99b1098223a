using System.Text.Json;

namespace ZkMitosis.Lab.Network;

/// <summary>
/// The <c>ip</c> (iproute2) operations the lab needs: namespaces, a bridge, veth pairs and addresses, and the
/// queries that find what exists (for the subnet-in-use check and for cleanup by name prefix).
/// </summary>
public static class IpCommands
{
    private const string Ip = "ip";

    public static Task AddNamespaceAsync(string name, CancellationToken cancellationToken) =>
        RunAsync(["netns", "add", name], cancellationToken);

    public static async Task DeleteNamespaceAsync(string name, CancellationToken cancellationToken)
    {
        var result = await CommandRunner.RunAsync(Ip, ["netns", "delete", name], cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded && !result.StandardError.Contains("No such file", StringComparison.Ordinal))
        {
            throw new LabException($"'ip netns delete {name}' failed: {result.StandardError.Trim()}");
        }
    }

    /// <summary>
    /// Deletes a link in the root namespace; a link that is already gone is fine. The root end of a deleted namespace's
    /// veth pair goes away asynchronously (the kernel cleans namespaces up in the background), so a link listed a moment
    /// ago can be gone by now: ip says "Cannot find device" or "No such device".
    /// </summary>
    public static async Task DeleteLinkAsync(string name, CancellationToken cancellationToken)
    {
        var result = await CommandRunner.RunAsync(Ip, ["link", "delete", name], cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded && !result.StandardError.Contains("Cannot find device", StringComparison.Ordinal)
            && !result.StandardError.Contains("No such device", StringComparison.Ordinal))
        {
            throw new LabException($"'ip link delete {name}' failed: {result.StandardError.Trim()}");
        }
    }

    public static async Task AddBridgeAsync(string bridge, string address, CancellationToken cancellationToken)
    {
        await RunAsync(["link", "add", bridge, "type", "bridge"], cancellationToken).ConfigureAwait(false);
        await RunAsync(AddressArguments(address, bridge), cancellationToken).ConfigureAwait(false);
        await RunAsync(["link", "set", bridge, "up"], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A veth pair whose far end is created directly inside <paramref name="namespaceName"/> as <c>eth0</c>
    /// (no temporary name that could exceed 15 characters), its near end enslaved to the bridge, and the
    /// host's address and loopback configured.
    /// </summary>
    public static async Task AddHostLinkAsync(string veth, string namespaceName, string bridge, string address, CancellationToken cancellationToken)
    {
        await RunAsync(["link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", namespaceName], cancellationToken).ConfigureAwait(false);
        await RunAsync(["link", "set", veth, "master", bridge, "up"], cancellationToken).ConfigureAwait(false);
        await RunAsync(["-n", namespaceName, .. AddressArguments(address, "eth0")], cancellationToken).ConfigureAwait(false);
        await RunAsync(["-n", namespaceName, "link", "set", "eth0", "up"], cancellationToken).ConfigureAwait(false);
        await RunAsync(["-n", namespaceName, "link", "set", "lo", "up"], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Names of every network namespace on the machine.</summary>
    public static async Task<IReadOnlyList<string>> ListNamespacesAsync(CancellationToken cancellationToken)
    {
        var output = await CommandRunner.RunCheckedAsync(Ip, ["netns", "list"], cancellationToken: cancellationToken).ConfigureAwait(false);
        // Lines look like "name" or "name (id: 3)".
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split(' ')[0])
            .ToList();
    }

    /// <summary>Names of every link in the root namespace.</summary>
    public static async Task<IReadOnlyList<string>> ListLinksAsync(CancellationToken cancellationToken)
    {
        var output = await CommandRunner.RunCheckedAsync(Ip, ["-j", "link", "show"], cancellationToken: cancellationToken).ConfigureAwait(false);
        using var document = JsonDocument.Parse(output);
        return document.RootElement.EnumerateArray()
            .Select(link => link.TryGetProperty("ifname", out var name) ? name.GetString() : null)
            .OfType<string>()
            .ToList();
    }

    /// <summary>Every IPv4 address (with prefix length) and route destination in the root namespace.</summary>
    public static async Task<IReadOnlyList<(string Where, System.Net.IPAddress Network, int PrefixLength)>> ListRootNetworksAsync(CancellationToken cancellationToken)
    {
        var found = new List<(string, System.Net.IPAddress, int)>();
        var addresses = await CommandRunner.RunCheckedAsync(Ip, ["-j", "-4", "addr", "show"], cancellationToken: cancellationToken).ConfigureAwait(false);
        using (var document = JsonDocument.Parse(addresses))
        {
            foreach (var link in document.RootElement.EnumerateArray())
            {
                var linkName = link.TryGetProperty("ifname", out var n) ? n.GetString() : "?";
                if (!link.TryGetProperty("addr_info", out var infos))
                {
                    continue;
                }

                foreach (var info in infos.EnumerateArray())
                {
                    if (info.TryGetProperty("local", out var local) && System.Net.IPAddress.TryParse(local.GetString(), out var ip))
                    {
                        found.Add(($"address {ip}/{info.GetProperty("prefixlen").GetInt32()} on {linkName}", ip, 32));
                    }
                }
            }
        }

        var routes = await CommandRunner.RunCheckedAsync(Ip, ["-j", "-4", "route", "show", "table", "all"], cancellationToken: cancellationToken).ConfigureAwait(false);
        using (var document = JsonDocument.Parse(routes))
        {
            foreach (var route in document.RootElement.EnumerateArray())
            {
                var destination = route.TryGetProperty("dst", out var d) ? d.GetString() : null;
                if (destination is null or "default")
                {
                    continue;
                }

                var parts = destination.Split('/');
                if (System.Net.IPAddress.TryParse(parts[0], out var network))
                {
                    var length = parts.Length > 1 && int.TryParse(parts[1], out var l) ? l : 32;
                    var device = route.TryGetProperty("dev", out var dev) ? dev.GetString() : "?";
                    found.Add(($"route {destination} via {device}", network, length));
                }
            }
        }

        return found;
    }

    /// <summary>Pids of the processes inside a namespace (empty when the namespace is gone).</summary>
    public static async Task<IReadOnlyList<int>> NamespacePidsAsync(string namespaceName, CancellationToken cancellationToken)
    {
        var result = await CommandRunner.RunAsync(Ip, ["netns", "pids", namespaceName], cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            return [];
        }

        return result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => int.TryParse(line, out var pid) ? pid : 0)
            .Where(pid => pid > 0)
            .ToList();
    }

    /// <summary>
    /// <c>addr add</c> of a lab address: an IPv4 one in its /24, an IPv6 one in its /64 with <c>nodad</c> (duplicate
    /// address detection would hold the address "tentative", unusable, for a second or more after the link comes up).
    /// </summary>
    private static string[] AddressArguments(string address, string device) =>
        address.Contains(':', StringComparison.Ordinal)
            ? ["addr", "add", $"{address}/{LabSubnet.Ipv6PrefixLength}", "dev", device, "nodad"]
            : ["addr", "add", $"{address}/{LabSubnet.PrefixLength}", "dev", device];

    private static Task<string> RunAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken) =>
        CommandRunner.RunCheckedAsync(Ip, arguments, cancellationToken: cancellationToken);
}
