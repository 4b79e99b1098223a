using ZkMitosis.Lab.Manifest;
using ZkMitosis.Lab.Network;
using ZkMitosis.Lab.Servers;
using ZkMitosis.Lab.Services;

namespace ZkMitosis.Lab;

/// <summary>
/// Everything <c>lab up</c> checks before it creates anything, every problem collected: the spec, root,
/// ZooKeeper and the tools installed, the subnet free on this machine, the name free, the programs built.
/// </summary>
public static class LabPreflight
{
    public static Task<LabBinaries?> CheckAsync(LabSpec spec, CancellationToken cancellationToken) =>
        CheckAsync(spec, LabMachineFacts.Current, cancellationToken);

    internal static async Task<LabBinaries?> CheckAsync(LabSpec spec, LabMachineFacts machine, CancellationToken cancellationToken)
    {
        var problems = new List<string>(spec.Validate());
        if (!machine.IsRoot)
        {
            problems.Add("not running as root: the lab creates network namespaces, links and firewall rules (run it with sudo)");
        }

        var missingJars = machine.ZooKeeperJars.Where(jar => !File.Exists(jar)).ToList();
        if (missingJars.Count > 0)
        {
            problems.Add($"ZooKeeper is not installed ({string.Join(", ", missingJars)} missing): {ZooKeeperInstallation.InstallCommand}");
        }

        foreach (var (tool, package) in new[] { ("ip", "iproute2"), ("iptables", "iptables"), ("java", "default-jre-headless"), ("setsid", "util-linux") })
        {
            if (!OnPath(tool))
            {
                problems.Add($"'{tool}' is not installed: apt-get install -y {package}");
            }
        }

        LabBinaries? binaries = null;
        try
        {
            binaries = LabBinaries.Resolve(spec.AgentAssemblyPath, spec.StandInAssemblyPath);
            // The commands, not only the files: a dll may need a dotnet host (or an app host) that is missing.
            if (spec.Agents && Message(binaries.AgentCommand) is { Length: > 0 } agent)
            {
                problems.Add(agent);
            }

            if ((spec.Brokers > 0 || spec.Populate) && Message(binaries.StandInCommand) is { Length: > 0 } standIn)
            {
                problems.Add(standIn);
            }
        }
        catch (LabException e)
        {
            problems.Add(e.Message);
        }

        if (machine.IsRoot)
        {
            await CheckMachineAsync(spec, problems, cancellationToken).ConfigureAwait(false);
        }

        if (problems.Count > 0)
        {
            throw new LabException("cannot build the lab:\n  " + string.Join("\n  ", problems));
        }

        return binaries;
    }

    private static async Task CheckMachineAsync(LabSpec spec, List<string> problems, CancellationToken cancellationToken)
    {
        if (LabSubnet.TryParse(spec.Subnet, out var subnet, out _))
        {
            foreach (var (where, network, length) in await IpCommands.ListRootNetworksAsync(cancellationToken).ConfigureAwait(false))
            {
                if (subnet.Overlaps(network, length))
                {
                    problems.Add($"subnet {subnet} is in use on this machine ({where}); choose another with --subnet");
                    break;
                }
            }
        }

        if (spec.Validate().Count == 0)
        {
            var (namespaces, links) = await LabTeardown.DiscoverAsync(spec.EffectivePrefix, cancellationToken).ConfigureAwait(false);
            if (namespaces.Count > 0 || links.Count > 0)
            {
                problems.Add($"a lab named '{spec.Name}' exists ({string.Join(", ", namespaces.Concat(links).Take(4))}…): lab down --name {spec.Name}, or choose another --name");
            }
            else if (File.Exists(Path.Combine(spec.EffectiveDirectory, LabManifest.FileName)))
            {
                problems.Add($"{spec.EffectiveDirectory} holds another lab's manifest: lab down --name {spec.Name}");
            }
        }
    }

    /// <summary>What the machine offers; tests replace it to check the "not root" and "not installed" errors.</summary>
    internal sealed record LabMachineFacts(bool IsRoot, IReadOnlyList<string> ZooKeeperJars)
    {
        public static LabMachineFacts Current => new(Environment.IsPrivilegedProcess, [ZooKeeperInstallation.ZooKeeperJar, ZooKeeperInstallation.Slf4jSimpleJar]);
    }

    private static string Message<T>(Func<T> require)
    {
        try
        {
            require();
            return string.Empty;
        }
        catch (LabException e)
        {
            return e.Message;
        }
    }

    private static bool OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/sbin:/usr/bin:/sbin:/bin")
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Append("/usr/sbin").Append("/sbin")
            .Any(directory => File.Exists(Path.Combine(directory, tool)));
}
