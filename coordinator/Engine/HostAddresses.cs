using System.Net;
using System.Net.Sockets;
using ZkMitosis.ZooKeeper.Connection;

namespace ZkMitosis.Coordinator.Engine;

/// <summary>
/// The addresses a plan's hosts stand for. A plan (and a zoo.cfg) may name hosts by DNS name; firewall rules must not
/// depend on DNS (the agent refuses names), so the cut resolves each name once, journals what it used, and the rules,
/// a resumed cut and the report all read that record. An address is its own answer; a name that resolves to nothing
/// gets an empty list, which preflight and the cut refuse.
/// </summary>
internal static class HostAddresses
{
    /// <summary>The journal key of the cut's record (host → addresses).</summary>
    public const string Key = "addresses";

    /// <summary>Each distinct host of <paramref name="hosts"/> with its addresses (sorted, as text), by <paramref name="resolve"/>.</summary>
    public static async Task<SortedDictionary<string, List<string>>> ResolveAsync(IEnumerable<string> hosts, Func<string, CancellationToken, Task<IPAddress[]>> resolve, CancellationToken cancellationToken)
    {
        var result = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var host in hosts.Distinct(StringComparer.Ordinal))
        {
            if (IPAddress.TryParse(host, out var literal))
            {
                result[host] = [literal.ToString()];
                continue;
            }

            IPAddress[] addresses;
            try
            {
                addresses = await resolve(host, cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException)
            {
                addresses = [];
            }

            result[host] = [.. addresses.Select(a => a.IsIPv4MappedToIPv6 ? a.MapToIPv4() : a).Select(a => a.ToString()).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        }

        return result;
    }

    /// <summary>
    /// What <c>cons</c> may show for the moved tenants' hosts, in <see cref="HostEndpoint.CanonicalHost"/> form: each
    /// host as the plan spells it and every address it resolves to now. ZooKeeper prints a client's address, never its
    /// name, so a plan that names its tenant hosts would otherwise match no connection and a "no session left" wait
    /// would pass without evidence.
    /// </summary>
    public static async Task<HashSet<string>> TenantClientHostsAsync(StepContext context, CancellationToken cancellationToken)
    {
        var hosts = context.Plan.MovedTenants.SelectMany(t => t.Hosts).Select(h => h.Host).ToList();
        var resolved = await ResolveAsync(hosts, context.Services.ResolveHost, cancellationToken).ConfigureAwait(false);
        var set = hosts.Select(HostEndpoint.CanonicalHost).ToHashSet(StringComparer.Ordinal);
        set.UnionWith(resolved.Values.SelectMany(a => a).Select(HostEndpoint.CanonicalHost));
        return set;
    }

    /// <summary>One problem per host that resolved to nothing, naming it and what it is in the plan.</summary>
    public static IEnumerable<string> Unresolved(IReadOnlyDictionary<string, List<string>> resolved, Func<string, string> describe) =>
        resolved.Where(r => r.Value.Count == 0).Select(r => $"{describe(r.Key)}: host name '{r.Key}' resolves to no address on the coordinator");
}
