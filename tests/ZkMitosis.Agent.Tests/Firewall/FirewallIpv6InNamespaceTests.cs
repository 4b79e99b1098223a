using System.Net;
using System.Net.Sockets;
using ZkMitosis.Agent.Tests.Support;
using ZkMitosis.Agent.V1;
using ZkMitosis.Testing;
using AgentTlsSettings = ZkMitosis.Coordinator.Agents.AgentTlsSettings;
using ProbeOutcome = ZkMitosis.Agent.V1.ProbeOutcome;

namespace ZkMitosis.Agent.Tests.Firewall;

/// <summary>
/// IPv6 peers on both backends (ip6tables beside iptables; nft's inet table): the agent in namespace A cuts B's IPv6
/// address, its probes to B's IPv6 ports are refused, B cannot connect to A over IPv6, B's IPv4 address stays open (the
/// families are separate), an IPv6 election fence holds, and a heal leaves no rule in either family.
/// </summary>
public sealed class FirewallIpv6InNamespaceTests : IAsyncLifetime
{
    private const int ClientPort = 2181;
    private const int ElectionPort = 3888;
    private const int ListenerInA = 2182;

    private readonly TestDirectory _directory = new("zkat-fw6");
    private readonly List<Socket> _listeners = [];
    private NetworkNamespaces? _namespaces;
    private int _operation;

    public async Task InitializeAsync()
    {
        _namespaces = await NetworkNamespaces.CreateAsync();
        foreach (var address in new[] { _namespaces.AddressB, _namespaces.AddressB6 })
        {
            _listeners.Add(NetworkNamespaces.Listen(_namespaces.B, address, ClientPort));
            _listeners.Add(NetworkNamespaces.Listen(_namespaces.B, address, ElectionPort));
        }

        _listeners.Add(NetworkNamespaces.Listen(_namespaces.A, _namespaces.AddressA6, ListenerInA));
    }

    public async Task DisposeAsync()
    {
        foreach (var listener in _listeners)
        {
            listener.Dispose();
        }

        if (_namespaces is not null)
        {
            await _namespaces.DisposeAsync();
        }

        _directory.Dispose();
    }

    [Theory]
    [InlineData("iptables")]
    [InlineData("nftables")]
    public async Task IsolateHeal_Ipv6Peer_CutOnlyOverIpv6ThenOpenAgain(string backend)
    {
        await using var agent = await StartAgentAsync(backend);
        var (client, channel) = agent.Connect(AgentTlsSettings.InsecureLab);
        using var _ = channel;
        await TestLease.TakeAsync(client, "plan-fw6");
        var b6 = _namespaces!.AddressB6;
        Assert.All(await ProbeAsync(client, b6, ClientPort, ElectionPort), r => Assert.Equal(ProbeOutcome.Open, r.Outcome));
        Assert.Equal(SocketError.Success, await ConnectFromBAsync(_namespaces.AddressA6, ListenerInA));

        var cut = await client.IsolateAsync(new IsolateRequest { Context = Next(), Group = "cut", Peers = { b6.ToString() } });

        Assert.True(cut.Changed);
        Assert.Equal(backend, cut.Backend);
        Assert.Equal(2, cut.Rules.Count);
        Assert.Contains(cut.Rules, r => r.Direction == Direction.Inbound && r.Peer.StartsWith(b6.ToString(), StringComparison.Ordinal));
        Assert.Contains(cut.Rules, r => r.Direction == Direction.Outbound && r.Peer.StartsWith(b6.ToString(), StringComparison.Ordinal));
        Assert.All(await ProbeAsync(client, b6, ClientPort, ElectionPort), r => Assert.Equal(ProbeOutcome.Refused, r.Outcome));
        Assert.Equal(SocketError.ConnectionRefused, await ConnectFromBAsync(_namespaces.AddressA6, ListenerInA));
        Assert.All(await ProbeAsync(client, _namespaces.AddressB, ClientPort, ElectionPort), r => Assert.Equal(ProbeOutcome.Open, r.Outcome));
        Assert.Contains(b6.ToString(), await RawListingAsync(backend), StringComparison.Ordinal);

        var listed = await client.ListFirewallAsync(new ListFirewallRequest());
        Assert.Equal(cut.Rules.Select(r => r.Text), listed.Rules.Select(r => r.Text));
        Assert.False((await client.IsolateAsync(new IsolateRequest { Context = Next(), Group = "cut", Peers = { b6.ToString() } })).Changed);

        var healed = await client.HealAsync(new HealRequest { Context = Next() });
        Assert.True(healed.Changed);
        Assert.Equal("", (await client.ListFirewallAsync(new ListFirewallRequest())).Raw);
        Assert.Equal("", await RawListingAsync(backend));
        Assert.All(await ProbeAsync(client, b6, ClientPort, ElectionPort), r => Assert.Equal(ProbeOutcome.Open, r.Outcome));
    }

    [Theory]
    [InlineData("iptables")]
    [InlineData("nftables")]
    public async Task Isolate_Ipv6ElectionFence_OnlyTheAllowedPeerReachesTheElectionPort(string backend)
    {
        await using var agent = await StartAgentAsync(backend);
        var (client, channel) = agent.Connect(AgentTlsSettings.InsecureLab);
        using var _ = channel;
        await TestLease.TakeAsync(client, "plan-fw6");
        var b6 = _namespaces!.AddressB6;

        await client.IsolateAsync(new IsolateRequest { Context = Next(), Group = "fence", AllowOnly = { "fd00:0:0:fcff::fe" }, Ports = { ElectionPort } });
        var fenced = await ProbeAsync(client, b6, ClientPort, ElectionPort);
        Assert.Equal((ProbeOutcome.Open, ProbeOutcome.Refused), (fenced[0].Outcome, fenced[1].Outcome));

        var toB = await client.IsolateAsync(new IsolateRequest { Context = Next(), Group = "fence", AllowOnly = { b6.ToString() }, Ports = { ElectionPort } });
        Assert.True(toB.Changed);
        Assert.All(await ProbeAsync(client, b6, ClientPort, ElectionPort), r => Assert.Equal(ProbeOutcome.Open, r.Outcome));

        Assert.True((await client.HealAsync(new HealRequest { Context = Next(), Group = "fence" })).Changed);
        Assert.DoesNotContain("fence", await RawListingAsync(backend), StringComparison.Ordinal);
    }

    private async Task<AgentProcess> StartAgentAsync(string backend)
    {
        var directory = Path.Combine(_directory.Path, backend + Guid.NewGuid().ToString("N")[..6]);
        Directory.CreateDirectory(directory);
        var zooCfg = Path.Combine(directory, "zoo.cfg");
        await File.WriteAllTextAsync(zooCfg, $"dataDir={Path.Combine(directory, "data")}\nclientPort=2181\n");
        var config = AgentProcess.ZooKeeperConfig(directory, zooCfg, TestPorts.AgentInNamespace, TestPorts.MonitoringInNamespace, listenAddress: _namespaces!.AddressA.ToString(), firewallBackend: backend);
        return await AgentProcess.StartAsync(config, directory, _namespaces.A);
    }

    private static async Task<IReadOnlyList<ProbeResult>> ProbeAsync(ZkMitosis.Agent.V1.Agent.AgentClient client, IPAddress host, params int[] ports)
    {
        var request = new ProbeRequest { Timeout = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.FromSeconds(3)) };
        request.Targets.Add(ports.Select(p => new ProbeTarget { Host = host.ToString(), Port = (uint)p }));
        return (await client.ProbeAsync(request)).Results;
    }

    private async Task<SocketError> ConnectFromBAsync(IPAddress address, int port)
    {
        using var socket = NetworkNamespaces.CreateSocket(_namespaces!.B, address.AddressFamily);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await socket.ConnectAsync(address, port, timeout.Token);
            return SocketError.Success;
        }
        catch (SocketException e)
        {
            return e.SocketErrorCode;
        }
        catch (OperationCanceledException)
        {
            return SocketError.TimedOut;
        }
    }

    /// <summary>Our rules as the kernel's own tools list them: nft's table, or the ZKM lines of iptables and ip6tables.</summary>
    private async Task<string> RawListingAsync(string backend)
    {
        if (backend == "nftables")
        {
            var result = await NetworkNamespaces.ExecAsync(_namespaces!.A, "nft", "list", "ruleset");
            return result.Contains("table inet zkmitosis", StringComparison.Ordinal) ? result.Trim() : "";
        }

        var lines = new List<string>();
        foreach (var tool in new[] { "iptables", "ip6tables" })
        {
            lines.AddRange((await NetworkNamespaces.ExecAsync(_namespaces!.A, tool, "-w", "-S")).Split('\n').Where(l => l.Contains("ZKM", StringComparison.Ordinal)));
        }

        return string.Join('\n', lines);
    }

    private MutationContext Next() => TestLease.Context("plan-fw6", $"fw6-{Interlocked.Increment(ref _operation)}");
}
