using System.Net;
using System.Text.RegularExpressions;

namespace ZkMitosis.Lab;

/// <summary>
/// What <c>lab up</c> builds: sizes, name, subnet and options. <see cref="Validate"/> collects every problem
/// before anything is created, so a bad argument never leaves a half-built lab.
/// </summary>
public sealed partial record LabSpec
{
    public const int MaxZooKeeperHostsPerSide = 7;
    public const int MaxBrokers = LabSubnet.MaxBrokerId;
    public const int MaxNameLength = 7;

    /// <summary>Lab name, 1–7 of [a-z0-9] starting with a letter; default <c>lab</c>.</summary>
    public string Name { get; init; } = "lab";

    /// <summary>
    /// Every namespace, link and bridge the lab makes starts with this; default <c>zkm-NAME-</c>. At most 12
    /// characters so that prefix + a 3-character host suffix fits Linux's 15-character link names.
    /// </summary>
    public string? Prefix { get; init; }

    /// <summary>Source ensemble size (server ids 1..Source), 1–7; default 3.</summary>
    public int Source { get; init; } = 3;

    /// <summary>Destination size (server ids after the source's), 1–7; default 3. Created stopped and empty.</summary>
    public int Destination { get; init; } = 3;

    /// <summary>Kafka broker stand-in hosts (broker ids 1..Brokers), 0–99 (<see cref="LabSubnet.MaxBrokerId"/>); default 3.</summary>
    public int Brokers { get; init; } = 3;

    /// <summary>
    /// Racks the brokers are spread over (<c>broker.rack</c> r1..rN, broker id round robin, so the populated
    /// replicas, which sit on consecutive brokers, are rack-aware), 0–Brokers; default 0: no <c>broker.rack</c>.
    /// </summary>
    public int Racks { get; init; }

    /// <summary>The <c>broker.rack</c> of broker <paramref name="brokerId"/> under <see cref="Racks"/>, or null.</summary>
    public string? RackOf(int brokerId) =>
        Racks > 0 ? "r" + (((brokerId - 1) % Racks) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture) : null;

    /// <summary>Most hosts one non-Kafka tenant may have (their addresses are .2X1–.2X9).</summary>
    public const int MaxTenantProductHosts = 9;

    /// <summary>
    /// Non-Kafka tenants beside Kafka (<c>lab up --tenants kafka,solr,clickhouse</c>; kafka in that list stands for the
    /// brokers): <c>solr</c>, <c>hbase</c>, <c>clickhouse</c> (<see cref="Hosts.LabTenantProduct"/>), each on
    /// <see cref="TenantProductHosts"/> hosts running the tenant-host STAND-IN; default none.
    /// </summary>
    public IReadOnlyList<string> TenantProducts { get; init; } = [];

    /// <summary>Of <see cref="TenantProducts"/>, those the lab's plan keeps on the source (<c>moves: false</c>; <c>--stay</c>).</summary>
    public IReadOnlyList<string> StayingTenants { get; init; } = [];

    /// <summary>Hosts of each non-Kafka tenant, 1–9; default 2.</summary>
    public int TenantProductHosts { get; init; } = 2;

    /// <summary>An IPv4 /24 from a private range, not used on this machine; default <c>10.251.0.0/24</c>.</summary>
    public string Subnet { get; init; } = "10.251.0.0/24";

    /// <summary>
    /// Build the lab on IPv6 only (<c>lab up --ipv6</c>): every host's eth0 and the bridge get a ULA address of the /64
    /// <see cref="LabSubnet.Ipv6Network"/> and no IPv4 address, so every address in configs, plans and rules is IPv6.
    /// </summary>
    public bool Ipv6 { get; init; }

    /// <summary>
    /// Name every host (<c>lab up --hostnames</c>): <c>HOST.LAB.zkm.test</c> (RFC 2606's reserved <c>.test</c>), in a
    /// hosts file each namespace sees as its <c>/etc/hosts</c> (<c>/etc/netns/NS/hosts</c>, which <c>ip netns exec</c>
    /// binds) and in the lab's own <c>etc-hosts</c> for the coordinator (<c>lab exec</c>). The plan, zoo.cfg members and the
    /// tenants' connect strings then carry the names, not the addresses; the machine's own /etc/hosts is not touched.
    /// </summary>
    public bool HostNames { get; init; }

    /// <summary>
    /// Secure every ensemble (<c>lab up --secure</c>, <see cref="Security.LabSecurity"/>): TLS client ports, quorum TLS,
    /// SASL DIGEST-MD5 required of every session, and the broker stand-ins creating Kafka's znodes with SASL ACLs
    /// (<c>zookeeper.set.acl=true</c>). Kafka's tenant only: the tenant-host stand-ins speak no TLS.
    /// </summary>
    public bool Secure { get; init; }

    /// <summary>Extra zoo.cfg lines for every ZooKeeper host (<c>--zookeeper-option key=value</c>); they win over the lab's.</summary>
    public IReadOnlyDictionary<string, string> ZooKeeperOptions { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// JVM system properties (<c>-Dkey=value</c>) of the source's servers, for what zoo.cfg cannot say (e.g.
    /// <c>jute.maxbuffer</c>); written into each host's service environment. Default none.
    /// </summary>
    public IReadOnlyDictionary<string, string> SourceSystemProperties { get; init; } = new Dictionary<string, string>();

    /// <summary>JVM system properties of the destination's servers, as <see cref="SourceSystemProperties"/>. Default none.</summary>
    public IReadOnlyDictionary<string, string> DestinationSystemProperties { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Every ZooKeeper server's JVM heap (<c>-Xmx</c>, e.g. <c>256m</c>, <c>2g</c>). Default 256m: six servers share
    /// the machine. A million-znode chroot needs about 1g.
    /// </summary>
    public string ZooKeeperHeap { get; init; } = Servers.ZooKeeperServerConfig.DefaultJvmHeap;

    /// <summary>Where the lab's host trees, manifest and plan go; default <c>/var/lib/zkmitosis/labs/NAME</c>.</summary>
    public string? Directory { get; init; }

    /// <summary>Start an agent on every host (needs the built agent); default true.</summary>
    public bool Agents { get; init; } = true;

    /// <summary>Run agents without TLS (a rehearsal shortcut, printed as a warning and written into the plan); default false: mTLS.</summary>
    public bool InsecureAgents { get; init; }

    /// <summary>Populate the source with the Kafka-shaped tree and start the other tenant's writer; default true.</summary>
    public bool Populate { get; init; } = true;

    /// <summary>Topics created under <c>/kafka/brokers/topics</c>; default 3.</summary>
    public int Topics { get; init; } = 3;

    /// <summary>Partitions per topic; default 4.</summary>
    public int PartitionsPerTopic { get; init; } = 4;

    /// <summary>The tenant's chroot on the source; default <c>/kafka</c>.</summary>
    public string Chroot { get; init; } = "/kafka";

    /// <summary>Kafka's <c>zookeeper.session.timeout.ms</c> for the stand-ins; default 18000 (Kafka's own default).</summary>
    public int BrokerSessionTimeoutMs { get; init; } = 18000;

    /// <summary>
    /// Milliseconds between two of a stand-in's serial writes (<c>--write-interval-ms</c>): 200 ms up to 5 brokers, then
    /// longer, so the brokers together write about 15 znodes/s whatever their number. Their writes stay in the chroot
    /// under one parent (Kafka's <c>isr_change_notification</c>), and 30 stand-ins at 200 ms filled it past the 1 MiB
    /// a getChildren reply may carry within minutes (a benchmark's two migrations failed reading it).
    /// </summary>
    public int BrokerWriteIntervalMs => 200 * Math.Max(1, Brokers / 3);

    /// <summary>Bound on the source ensemble (and every other process) coming up; default 90 s for a loaded 2-core machine.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary>Path of <c>zkmitosis-agent.dll</c>; default: found next to this assembly or in the source tree's build output.</summary>
    public string? AgentAssemblyPath { get; init; }

    /// <summary>Path of <c>zkmitosis-kafka-standin.dll</c>; default: found like the agent's.</summary>
    public string? StandInAssemblyPath { get; init; }

    public string EffectivePrefix => Prefix ?? $"zkm-{Name}-";

    public string EffectiveDirectory => Directory ?? DefaultDirectory(Name);

    /// <summary>The default directory of the lab named <paramref name="name"/>.</summary>
    public static string DefaultDirectory(string name) => Path.Combine(LabsRoot, name);

    /// <summary>Parent of every lab's default directory: <c>/var/lib/zkmitosis/labs</c>.</summary>
    public static string LabsRoot => "/var/lib/zkmitosis/labs";

    /// <summary>Every problem with this spec (empty when it is usable); machine checks (root, subnet in use) are separate.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (!NamePattern().IsMatch(Name))
        {
            problems.Add($"name '{Name}': must be 1–{MaxNameLength} characters of a-z and 0-9, starting with a letter");
        }

        if (Prefix is not null && !PrefixPattern().IsMatch(Prefix))
        {
            problems.Add($"prefix '{Prefix}': must be 4–12 characters of a-z, 0-9 and '-', starting with a letter and ending with '-'");
        }

        if (Source is < 1 or > MaxZooKeeperHostsPerSide)
        {
            problems.Add($"source: {Source} is out of range (1–{MaxZooKeeperHostsPerSide})");
        }

        if (Destination is < 1 or > MaxZooKeeperHostsPerSide)
        {
            problems.Add($"destination: {Destination} is out of range (1–{MaxZooKeeperHostsPerSide})");
        }

        if (Brokers is < 0 or > MaxBrokers)
        {
            problems.Add($"brokers: {Brokers} is out of range (0–{MaxBrokers})");
        }

        if (Racks < 0 || Racks > Math.Max(Brokers, 0))
        {
            problems.Add($"racks: {Racks} is out of range (0–{Math.Max(Brokers, 0)}, the number of brokers)");
        }

        foreach (var product in TenantProducts.Where(p => !Hosts.LabTenantProduct.All.ContainsKey(p)))
        {
            problems.Add($"tenant '{product}': must be one of kafka, {string.Join(", ", Hosts.LabTenantProduct.All.Keys)}");
        }

        if (TenantProducts.Distinct(StringComparer.Ordinal).Count() != TenantProducts.Count)
        {
            problems.Add("tenants: each may be named once");
        }

        foreach (var staying in StayingTenants.Where(s => !TenantProducts.Contains(s, StringComparer.Ordinal)))
        {
            problems.Add(staying == "kafka"
                ? "stay 'kafka': the lab's Kafka tenant always moves (its plan's kafka: section)"
                : $"stay '{staying}': not one of the lab's tenants ({string.Join(", ", TenantProducts)})");
        }

        if (Secure && TenantProducts.Any(p => p != "kafka"))
        {
            problems.Add($"secure: a secured lab runs Kafka's tenant only (the {string.Join(", ", TenantProducts.Where(p => p != "kafka"))} stand-ins speak no TLS or SASL)");
        }

        if (TenantProductHosts is < 1 or > MaxTenantProductHosts)
        {
            problems.Add($"tenant hosts: {TenantProductHosts} is out of range (1–{MaxTenantProductHosts})");
        }

        if (Topics is < 0 or > 100)
        {
            problems.Add($"topics: {Topics} is out of range (0–100)");
        }

        if (PartitionsPerTopic is < 1 or > 100)
        {
            problems.Add($"partitions per topic: {PartitionsPerTopic} is out of range (1–100)");
        }

        if (!ChrootPattern().IsMatch(Chroot))
        {
            problems.Add($"chroot '{Chroot}': must be an absolute path like /kafka");
        }

        if (!HeapPattern().IsMatch(ZooKeeperHeap))
        {
            problems.Add($"ZooKeeper heap '{ZooKeeperHeap}': must be a size like 256m or 2g (60m to 16999m, or 1g to 16g)");
        }

        if (!LabSubnet.TryParse(Subnet, out _, out var subnetProblem))
        {
            problems.Add($"subnet '{Subnet}': {subnetProblem}");
        }

        foreach (var (key, value) in ZooKeeperOptions)
        {
            if (!OptionKeyPattern().IsMatch(key) || value.Contains('\n', StringComparison.Ordinal))
            {
                problems.Add($"zookeeper option '{key}={value}': key must be a zoo.cfg key (letters, digits, '.', '_', '-') and the value one line");
            }
        }

        return problems;
    }

    /// <summary>Throws a <see cref="LabException"/> listing every problem, or does nothing.</summary>
    public void EnsureValid()
    {
        var problems = Validate();
        if (problems.Count > 0)
        {
            throw new LabException("bad lab arguments:\n  " + string.Join("\n  ", problems));
        }
    }

    [GeneratedRegex("^[a-z][a-z0-9]{0,6}\\z")]
    private static partial Regex NamePattern();

    [GeneratedRegex("^[a-z][a-z0-9-]{2,10}-\\z")]
    private static partial Regex PrefixPattern();

    /// <summary>An -Xmx size the lab accepts: 60m to 16999m, or 1g to 16g (it goes onto the JVM's command line).</summary>
    [GeneratedRegex("^(?:(?:[6-9][0-9]|[1-9][0-9]{2,3}|1[0-6][0-9]{3})m|(?:[1-9]|1[0-6])g)\\z")]
    private static partial Regex HeapPattern();

    [GeneratedRegex("^/[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*\\z")]
    private static partial Regex ChrootPattern();

    [GeneratedRegex("^[A-Za-z0-9._-]+\\z")]
    private static partial Regex OptionKeyPattern();
}

/// <summary>
/// The one model of a lab's addresses: an IPv4 /24 (or, with <see cref="Ipv6"/>, its IPv6 twin) and which last number
/// each host gets in it. Host .N of the /24 is <c>…::N</c> in the /64 (the decimal digits read as hex), so both families
/// share one plan:
/// <list type="table">
/// <item><term>.1</term><description>the root namespace, on the bridge (the coordinator)</description></item>
/// <item><term>.11–.49</term><description>ZooKeeper server id N at .(10 + N), source and destination alike</description></item>
/// <item><term>.50</term><description>the other tenant's client host</description></item>
/// <item><term>.101–.199</term><description>Kafka broker id N at .(100 + N)</description></item>
/// <item><term>.201–.229</term><description>non-Kafka tenant hosts (<see cref="Hosts.LabTenantProduct"/>: Solr .20N, HBase .21N, ClickHouse .22N)</description></item>
/// </list>
/// </summary>
public sealed record LabSubnet(IPAddress Network)
{
    public const int PrefixLength = 24;

    /// <summary>Prefix length of the IPv6 network a <c>--ipv6</c> lab uses.</summary>
    public const int Ipv6PrefixLength = 64;

    /// <summary>The largest ZooKeeper server id the plan has room for (.11–.49, below the tenant's .50).</summary>
    public const int MaxServerId = 39;

    /// <summary>
    /// The largest broker id the plan has room for (.101–.199). Also the most a link name holds: the root end of broker
    /// N's veth is the prefix (at most 12 characters) + <c>k</c> + N, and Linux allows 15.
    /// </summary>
    public const int MaxBrokerId = 99;

    private const int RootLast = 1;
    private const int ZooKeeperBase = 10;
    private const int TenantLast = 50;
    private const int BrokerBase = 100;

    /// <summary>True when the lab's hosts carry the IPv6 twins of the /24's addresses (<c>lab up --ipv6</c>) and no IPv4 address.</summary>
    public bool Ipv6 { get; init; }

    /// <summary>The root namespace's address on the bridge (.1): the coordinator reaches agents and ZooKeeper from it.</summary>
    public string RootAddress => Address(RootLast);

    /// <summary>
    /// The ULA /64 of a <c>--ipv6</c> lab, <c>fd00:0:0:XXYY::/64</c> with XX.YY the second and third bytes of this /24, so
    /// labs on different subnets never share addresses; host .N is <c>…::N</c> (the decimal digits read as hex: zk1 is ::11).
    /// </summary>
    public string Ipv6Network => $"{Ipv6Prefix}/{Ipv6PrefixLength}";

    /// <summary>The lab's network as the manifest shows it: the /24, or the /64 of an IPv6 lab.</summary>
    public string Display => Ipv6 ? Ipv6Network : ToString();

    private string Ipv6Prefix
    {
        get
        {
            var bytes = Network.GetAddressBytes();
            return $"fd00:0:0:{bytes[1]:x2}{bytes[2]:x2}::";
        }
    }

    /// <summary>ZooKeeper server <paramref name="serverId"/> (1–<see cref="MaxServerId"/>) lives at .(10 + id).</summary>
    /// <exception cref="ArgumentOutOfRangeException">the id has no address in the plan.</exception>
    public string ZooKeeperHost(int serverId) => Address(ZooKeeperBase + InRange(serverId, MaxServerId));

    /// <summary>Broker <paramref name="brokerId"/> (1–<see cref="MaxBrokerId"/>) lives at .(100 + id).</summary>
    /// <exception cref="ArgumentOutOfRangeException">the id has no address in the plan.</exception>
    public string BrokerHost(int brokerId) => Address(BrokerBase + InRange(brokerId, MaxBrokerId));

    /// <summary>The other tenant's client host at .50.</summary>
    public string TenantHost => Address(TenantLast);

    /// <summary>Host .<paramref name="last"/>: in the /24, or its IPv6 twin in <see cref="Ipv6Network"/> for an IPv6 lab.</summary>
    public string Address(int last) => Ipv6 ? Ipv6Host(last) : Host(last);

    /// <summary>The IPv6 twin of host .<paramref name="last"/>: the same last number in <see cref="Ipv6Network"/>.</summary>
    public string Ipv6Host(int last) => IPAddress.Parse($"{Ipv6Prefix}{last.ToString(System.Globalization.CultureInfo.InvariantCulture)}").ToString();

    private static int InRange(int id, int max) =>
        id is >= 1 && id <= max ? id : throw new ArgumentOutOfRangeException(nameof(id), id, $"the lab's address plan has room for ids 1–{max}");

    public override string ToString() => $"{Network}/{PrefixLength}";

    /// <summary>True when <paramref name="address"/> lies in this /24.</summary>
    public bool Contains(IPAddress address)
    {
        var a = address.GetAddressBytes();
        var n = Network.GetAddressBytes();
        return a.Length == 4 && a[0] == n[0] && a[1] == n[1] && a[2] == n[2];
    }

    /// <summary>True when the route or address <paramref name="network"/>/<paramref name="prefixLength"/> overlaps this /24.</summary>
    public bool Overlaps(IPAddress network, int prefixLength)
    {
        if (network.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork)
        {
            return false;
        }

        var common = Math.Min(prefixLength, PrefixLength);
        var mask = common == 0 ? 0u : uint.MaxValue << (32 - common);
        return (ToUInt(network) & mask) == (ToUInt(Network) & mask);
    }

    public static LabSubnet Parse(string text) =>
        TryParse(text, out var subnet, out var problem) ? subnet : throw new LabException($"subnet '{text}': {problem}");

    /// <summary>Accepts <c>a.b.c.0/24</c> in 10/8, 172.16/12 or 192.168/16: a lab never uses addresses that could be someone else's.</summary>
    public static bool TryParse(string text, out LabSubnet subnet, out string problem)
    {
        subnet = null!;
        var parts = text.Split('/');
        if (parts.Length != 2 || !IPAddress.TryParse(parts[0], out var address) || address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork || parts[1] != "24")
        {
            problem = "must be an IPv4 /24 such as 10.251.0.0/24";
            return false;
        }

        var bytes = address.GetAddressBytes();
        if (bytes[3] != 0)
        {
            problem = $"must be the network address ({bytes[0]}.{bytes[1]}.{bytes[2]}.0/24)";
            return false;
        }

        var isPrivate = bytes[0] == 10 || (bytes[0] == 172 && bytes[1] is >= 16 and <= 31) || (bytes[0] == 192 && bytes[1] == 168);
        if (!isPrivate)
        {
            problem = "must be in a private range (10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16)";
            return false;
        }

        subnet = new LabSubnet(address);
        problem = string.Empty;
        return true;
    }

    /// <summary>Host .<paramref name="last"/> of this /24 (IPv4, whatever <see cref="Ipv6"/> says).</summary>
    public string Host(int last)
    {
        var bytes = Network.GetAddressBytes();
        return $"{bytes[0]}.{bytes[1]}.{bytes[2]}.{last}";
    }

    private static uint ToUInt(IPAddress address)
    {
        var b = address.GetAddressBytes();
        return ((uint)b[0] << 24) | ((uint)b[1] << 16) | ((uint)b[2] << 8) | b[3];
    }
}
