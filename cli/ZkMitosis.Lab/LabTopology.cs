using ZkMitosis.Lab.Manifest;

namespace ZkMitosis.Lab;

/// <summary>
/// Turns a <see cref="LabSpec"/> into the lab's hosts: names, namespaces, links, addresses and ids. Pure, so
/// the manifest can be written before anything exists.
/// </summary>
public static class LabTopology
{
    public const int AgentPort = 7443;

    public static LabManifest Compose(LabSpec spec)
    {
        var subnet = LabSubnet.Parse(spec.Subnet) with { Ipv6 = spec.Ipv6 };
        var prefix = spec.EffectivePrefix;
        var directory = Path.GetFullPath(spec.EffectiveDirectory);
        var hosts = new List<LabHost>();
        var agentPort = spec.Agents ? AgentPort : 0;
        for (var id = 1; id <= spec.Source + spec.Destination; id++)
        {
            var name = $"zk{id}";
            hosts.Add(new LabHost
            {
                Name = name,
                Role = id <= spec.Source ? LabHostRole.Source : LabHostRole.Destination,
                Namespace = prefix + name,
                Veth = $"{prefix}z{id}",
                Address = subnet.ZooKeeperHost(id),
                Directory = Path.Combine(directory, "hosts", name),
                ServerId = id,
                AgentPort = agentPort,
                SecureClientPort = spec.Secure ? Security.LabSecurity.SecureClientPort : 0,
            });
        }

        for (var id = 1; id <= spec.Brokers; id++)
        {
            var name = $"kafka{id}";
            hosts.Add(new LabHost
            {
                Name = name,
                Role = LabHostRole.Broker,
                Namespace = prefix + name,
                Veth = $"{prefix}k{id}",
                Address = subnet.BrokerHost(id),
                Directory = Path.Combine(directory, "hosts", name),
                BrokerId = id,
                AgentPort = agentPort,
            });
        }

        foreach (var product in spec.TenantProducts.Select(p => Hosts.LabTenantProduct.All[p]))
        {
            for (var n = 1; n <= spec.TenantProductHosts; n++)
            {
                var name = product.Name + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
                hosts.Add(new LabHost
                {
                    Name = name,
                    Role = LabHostRole.TenantProduct,
                    Product = product.Name,
                    Namespace = prefix + name,
                    Veth = $"{prefix}{product.VethLetter}{n}",
                    Address = subnet.Address(product.AddressBase + n),
                    Directory = Path.Combine(directory, "hosts", name),
                    AgentPort = agentPort,
                });
            }
        }

        if (spec.Populate)
        {
            hosts.Add(new LabHost
            {
                Name = "tenant",
                Role = LabHostRole.Tenant,
                Namespace = prefix + "tenant",
                Veth = $"{prefix}t",
                Address = subnet.TenantHost,
                Directory = Path.Combine(directory, "hosts", "tenant"),
            });
        }

        if (spec.HostNames)
        {
            hosts = [.. hosts.Select(h => h with { DnsName = $"{h.Name}.{spec.Name}.zkm.test" })];
        }

        return new LabManifest
        {
            Name = spec.Name,
            Prefix = prefix,
            Subnet = subnet.Display,
            Ipv6 = spec.Ipv6,
            HostNames = spec.HostNames,
            Secure = spec.Secure,
            Directory = directory,
            Bridge = prefix + "br",
            RootAddress = subnet.RootAddress,
            Chroot = spec.Chroot,
            StayingTenants = spec.StayingTenants,
            Hosts = hosts,
        };
    }
}
