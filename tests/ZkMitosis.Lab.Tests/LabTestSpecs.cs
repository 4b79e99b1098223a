using System.Security.Cryptography;
using ZkMitosis.Lab.Network;

namespace ZkMitosis.Lab.Tests;

/// <summary>
/// Lab specs for tests: names and link prefixes start with <c>zklt</c> plus a random suffix, subnets are random
/// /24s inside 10.251.0.0/16 that are not in use, and directories live under /tmp.
/// </summary>
internal static class LabTestSpecs
{
    public const string TestPrefix = "zklt";

    public static async Task<LabSpec> CreateAsync(int source = 1, int destination = 1, int brokers = 0, bool agents = false, bool populate = false)
    {
        var suffix = RandomSuffix(4);
        return new LabSpec
        {
            Name = "t" + suffix,
            Prefix = $"{TestPrefix}{suffix}-",
            Source = source,
            Destination = destination,
            Brokers = brokers,
            Agents = agents,
            Populate = populate,
            Subnet = await FreeSubnetAsync(),
            Directory = Path.Combine(Path.GetTempPath(), "zkm-tests", "lab-" + suffix),
        };
    }

    /// <summary>A random 10.251.X.0/24 (X in 1..254, the lab default .0 left to operators) with no address or route on this machine.</summary>
    public static async Task<string> FreeSubnetAsync()
    {
        var inUse = await IpCommands.ListRootNetworksAsync(CancellationToken.None);
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var subnet = LabSubnet.Parse($"10.251.{RandomNumberGenerator.GetInt32(1, 255)}.0/24");
            if (!inUse.Any(n => subnet.Overlaps(n.Network, n.PrefixLength)))
            {
                return subnet.ToString();
            }
        }

        throw new InvalidOperationException("no free /24 in 10.251.0.0/16 after 50 tries");
    }

    public static string RandomSuffix(int length)
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        return string.Concat(Enumerable.Range(0, length).Select(_ => alphabet[RandomNumberGenerator.GetInt32(alphabet.Length)]));
    }
}
