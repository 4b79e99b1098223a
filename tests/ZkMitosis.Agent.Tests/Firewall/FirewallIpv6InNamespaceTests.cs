using System.Net;
using System.Net.Sockets;
using ZkMitosis.Agent.Tests.Support;
using ZkMitosis.Agent.V1;
using AgentTlsSettings = ZkMitosis.Coordinator.Agents.AgentTlsSettings;
using ProbeOutcome = ZkMitosis.Agent.V1.ProbeOutcome;

namespace ZkMitosis.Agent.Tests.Firewall;

/// <summary>
/// IPv6 peers on both backends (ip6tables beside iptables; nft's inet table): the agent in namespace A cuts B's IPv6
/// address, its probes to B's IPv6 ports are refused, B cannot connect to A over IPv6, B's IPv4 address stays open (the
/// families are separate), an IPv6 election fence holds, and a heal leaves no rule in either family.
/// </summary>
public sealed class FirewallIpv6InNamespaceTests : NamespacedFirewallTestBase
{
    private const int ListenerInA = 2182;

    public FirewallIpv6InNamespaceTests()
        : base("zkat-fw6", "plan-fw6")
    {
    }

    /// <inheritdoc/>
    protected override IEnumerable<(string Namespace, IPAddress Address, int Port)> Listeners(NetworkNamespaces namespaces) =>
        [
            (namespaces.B, namespaces.AddressB, ClientPort), (namespaces.B, namespaces.AddressB, ElectionPort),
            (namespaces.B, namespaces.AddressB6, ClientPort), (namespaces.B, namespaces.AddressB6, ElectionPort),
            (namespaces.A, namespaces.AddressA6, ListenerInA),
        ];

    [Theory]
    [InlineData("iptables")]
    [InlineData("nftables")]
    public async Task IsolateHeal_Ipv6Peer_CutOnlyOverIpv6ThenOpenAgain(string backend)
    {
        await using var agent = await StartAgentAsync(backend);
        var (client, channel) = agent.Connect(AgentTlsSettings.InsecureLab);
        using var _ = channel;
        await TestLease.TakeAsync(client, PlanId);
        var b6 = Namespaces.AddressB6;
        Assert.All(await ProbeAsync(client, b6, ClientPort, ElectionPort), r => Assert.Equal(ProbeOutcome.Open, r.Outcome));
        Assert.Equal(SocketError.Success, await ConnectFromBAsync(Namespaces.AddressA6, ListenerInA));

        var cut = await client.IsolateAsync(new IsolateRequest { Context = Next(), Group = "cut", Peers = { b6.ToString() } });

        Assert.True(cut.Changed);
        Assert.Equal(backend, cut.Backend);
        Assert.Equal(2, cut.Rules.Count);
        Assert.Contains(cut.Rules, r => r.Direction == Direction.Inbound && r.Peer.StartsWith(b6.ToString(), StringComparison.Ordinal));
        Assert.Contains(cut.Rules, r => r.Direction == Direction.Outbound && r.Peer.StartsWith(b6.ToString(), StringComparison.Ordinal));
        Assert.All(await ProbeAsync(client, b6, ClientPort, ElectionPort), r => Assert.Equal(ProbeOutcome.Refused, r.Outcome));
        Assert.Equal(SocketError.ConnectionRefused, await ConnectFromBAsync(Namespaces.AddressA6, ListenerInA));
        Assert.All(await ProbeAsync(client, Namespaces.AddressB, ClientPort, ElectionPort), r => Assert.Equal(ProbeOutcome.Open, r.Outcome));
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
        await TestLease.TakeAsync(client, PlanId);
        var b6 = Namespaces.AddressB6;

        await client.IsolateAsync(new IsolateRequest { Context = Next(), Group = "fence", AllowOnly = { "fd00:0:0:fcff::fe" }, Ports = { ElectionPort } });
        var fenced = await ProbeAsync(client, b6, ClientPort, ElectionPort);
        Assert.Equal((ProbeOutcome.Open, ProbeOutcome.Refused), (fenced[0].Outcome, fenced[1].Outcome));

        var toB = await client.IsolateAsync(new IsolateRequest { Context = Next(), Group = "fence", AllowOnly = { b6.ToString() }, Ports = { ElectionPort } });
        Assert.True(toB.Changed);
        Assert.All(await ProbeAsync(client, b6, ClientPort, ElectionPort), r => Assert.Equal(ProbeOutcome.Open, r.Outcome));

        Assert.True((await client.HealAsync(new HealRequest { Context = Next(), Group = "fence" })).Changed);
        Assert.DoesNotContain("fence", await RawListingAsync(backend), StringComparison.Ordinal);
    }
}
