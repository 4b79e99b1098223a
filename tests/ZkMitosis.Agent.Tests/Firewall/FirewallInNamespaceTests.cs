using System.Net;
using System.Net.Sockets;
using ZkMitosis.Agent.Tests.Support;
using ZkMitosis.Agent.V1;
using AgentTlsSettings = ZkMitosis.Coordinator.Agents.AgentTlsSettings;
using ProbeOutcome = ZkMitosis.Agent.V1.ProbeOutcome;

namespace ZkMitosis.Agent.Tests.Firewall;

/// <summary>
/// The agent runs inside namespace A (as in the lab); B plays a source node with listeners on its ZooKeeper ports. The
/// rules must really cut A from B (a probe is refused, both ways), list exactly, repeat without change, and heal.
/// </summary>
public sealed class FirewallInNamespaceTests : NamespacedFirewallTestBase
{
    public FirewallInNamespaceTests()
        : base("zkat-fw", "plan-fw")
    {
    }

    /// <inheritdoc/>
    protected override IEnumerable<(string Namespace, IPAddress Address, int Port)> Listeners(NetworkNamespaces namespaces) =>
        [(namespaces.B, namespaces.AddressB, ClientPort), (namespaces.B, namespaces.AddressB, ElectionPort)];

    [Theory]
    [InlineData("iptables")]
    [InlineData("nftables")]
    public async Task IsolateHeal_PeerCut_ProbesRefusedThenOpenAgain(string backend)
    {
        await using var agent = await StartAgentAsync(backend);
        var (client, channel) = agent.Connect(AgentTlsSettings.InsecureLab);
        using var _ = channel;
        await TestLease.TakeAsync(client, PlanId);
        var b = Namespaces.AddressB.ToString();
        Assert.All(await ProbeAsync(client, Namespaces.AddressB, ClientPort, ElectionPort), r => Assert.Equal(ProbeOutcome.Open, r.Outcome));

        var cut = await client.IsolateAsync(new IsolateRequest { Context = Next(), Group = "cut", Peers = { b } });

        Assert.True(cut.Changed);
        Assert.Equal(backend, cut.Backend);
        Assert.Equal(backend == "iptables" ? 2 : 2, cut.Rules.Count);
        Assert.All(cut.Rules, r => Assert.Equal("reject", r.Verdict));
        Assert.Contains(cut.Rules, r => r.Direction == Direction.Inbound && r.Peer.StartsWith(b, StringComparison.Ordinal));
        Assert.Contains(cut.Rules, r => r.Direction == Direction.Outbound && r.Peer.StartsWith(b, StringComparison.Ordinal));
        Assert.All(await ProbeAsync(client, Namespaces.AddressB, ClientPort, ElectionPort), r => Assert.Equal(ProbeOutcome.Refused, r.Outcome));
        Assert.Equal(SocketError.ConnectionRefused, await ConnectFromBAsync(Namespaces.AddressA, agent.Port));

        var listed = await client.ListFirewallAsync(new ListFirewallRequest());
        Assert.Equal(cut.Rules.Select(r => r.Text), listed.Rules.Select(r => r.Text));
        Assert.Equal(await RawListingAsync(backend), listed.Raw);

        var again = await client.IsolateAsync(new IsolateRequest { Context = Next(), Group = "cut", Peers = { b } });
        Assert.False(again.Changed);
        Assert.Equal(cut.Rules.Select(r => r.Text), again.Rules.Select(r => r.Text));

        var healed = await client.HealAsync(new HealRequest { Context = Next() });
        Assert.True(healed.Changed);
        Assert.Empty(healed.Rules);
        Assert.Equal("", (await client.ListFirewallAsync(new ListFirewallRequest())).Raw);
        Assert.All(await ProbeAsync(client, Namespaces.AddressB, ClientPort, ElectionPort), r => Assert.Equal(ProbeOutcome.Open, r.Outcome));
        Assert.False((await client.HealAsync(new HealRequest { Context = Next() })).Changed);
    }

    [Theory]
    [InlineData("iptables")]
    [InlineData("nftables")]
    public async Task Isolate_OnlyElectionPort_OtherPortsStayOpen(string backend)
    {
        await using var agent = await StartAgentAsync(backend);
        var (client, channel) = agent.Connect(AgentTlsSettings.InsecureLab);
        using var _ = channel;
        await TestLease.TakeAsync(client, PlanId);

        await client.IsolateAsync(new IsolateRequest { Context = Next(), Group = "election", Peers = { Namespaces.AddressB.ToString() }, Ports = { ElectionPort } });

        var results = await ProbeAsync(client, Namespaces.AddressB, ClientPort, ElectionPort);
        Assert.Equal(ProbeOutcome.Open, results[0].Outcome);
        Assert.Equal(ProbeOutcome.Refused, results[1].Outcome);
    }

    [Theory]
    [InlineData("iptables")]
    [InlineData("nftables")]
    public async Task Isolate_ElectionFence_OnlyTheAllowedPeerReachesTheElectionPort(string backend)
    {
        await using var agent = await StartAgentAsync(backend);
        var (client, channel) = agent.Connect(AgentTlsSettings.InsecureLab);
        using var _ = channel;
        await TestLease.TakeAsync(client, PlanId);
        var b = Namespaces.AddressB.ToString();

        // Fenced to another node: B's election port is refused, its client port is not.
        var fence = await client.IsolateAsync(new IsolateRequest { Context = Next(), Group = "fence", AllowOnly = { "10.252.255.254" }, Ports = { ElectionPort } });
        Assert.Contains(fence.Rules, r => r.Verdict == "accept");
        var fenced = await ProbeAsync(client, Namespaces.AddressB, ClientPort, ElectionPort);
        Assert.Equal(ProbeOutcome.Open, fenced[0].Outcome);
        Assert.Equal(ProbeOutcome.Refused, fenced[1].Outcome);

        // Fenced to B (the max node): B's election port is reachable again.
        var toB = await client.IsolateAsync(new IsolateRequest { Context = Next(), Group = "fence", AllowOnly = { b }, Ports = { ElectionPort } });
        Assert.True(toB.Changed);
        Assert.All(await ProbeAsync(client, Namespaces.AddressB, ClientPort, ElectionPort), r => Assert.Equal(ProbeOutcome.Open, r.Outcome));

        var lifted = await client.HealAsync(new HealRequest { Context = Next(), Group = "fence" });
        Assert.True(lifted.Changed);
        Assert.Empty(lifted.Rules);
    }

    [Theory]
    [InlineData("iptables")]
    [InlineData("nftables")]
    public async Task Heal_OneGroup_OtherGroupStays(string backend)
    {
        await using var agent = await StartAgentAsync(backend);
        var (client, channel) = agent.Connect(AgentTlsSettings.InsecureLab);
        using var _ = channel;
        await TestLease.TakeAsync(client, PlanId);
        var b = Namespaces.AddressB.ToString();
        await client.IsolateAsync(new IsolateRequest { Context = Next(), Group = "client", Peers = { b }, Ports = { ClientPort } });
        await client.IsolateAsync(new IsolateRequest { Context = Next(), Group = "election", Peers = { b }, Ports = { ElectionPort } });

        var healed = await client.HealAsync(new HealRequest { Context = Next(), Group = "client" });

        Assert.All(healed.Rules, r => Assert.Equal("election", r.Group));
        Assert.NotEmpty(healed.Rules);
        var results = await ProbeAsync(client, Namespaces.AddressB, ClientPort, ElectionPort);
        Assert.Equal(ProbeOutcome.Open, results[0].Outcome);
        Assert.Equal(ProbeOutcome.Refused, results[1].Outcome);
    }
}
