using Xunit.Abstractions;
using ZkMitosis.Agent.V1;
using ZkMitosis.Coordinator.Agents;
using ZkMitosis.Coordinator.Engine;
using ZkMitosis.Coordinator.Journal;
using ZkMitosis.Coordinator.Plans;
using ZkMitosis.Lab.Manifest;
using ZkMitosis.Testing;

namespace ZkMitosis.Coordinator.Tests.EndToEnd;

/// <summary>
/// <c>migrate abort</c> of a non-Kafka tenant in the lab: HBase-like hosts (the tenant-host STAND-IN reading
/// <c>hbase-site.xml</c>, registering under <c>/hbase/rs</c>) switched with the Kafka broker stand-in, the run stopped at
/// the point of no return, then an abort SIGKILLed between the second HBase host's restored file and its restart, and run
/// again: every host back on the source and restarted with it, nothing lost, no session expired, the destination empty.
/// </summary>
[Collection(MigrationLabCollection.Name)]
public sealed class TenantsAbortLabTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Abort_KilledBetweenAnHBaseHostsRestoredFileAndItsRestart_RunAgainEveryHostBackOnTheSource()
    {
        await using var lab = await MigrationLab.UpAsync(brokers: 1, tenants: ["hbase"], tenantHosts: 2);
        var text = lab.Plan();
        var plan = PlanLoader.Load(text);
        var hbase = plan.Tenants.Single(t => t.Name == "hbase");
        var hosts = lab.Lab.Hosts.Where(h => h.Role == LabHostRole.TenantProduct).ToList();
        await Assert.ThrowsAsync<MigrationFailedException>(() => MigrationRunner.RunAsync(text, new MigrationRunOptions { StateRoot = lab.StateRoot, Confirmation = new FixedConfirmation(false) }, CancellationToken.None));
        Assert.All(hosts, h => Assert.Equal(hbase.ConnectFor(plan.Destination), State(h).GetProperty("connectString").GetString()));

        // The first abort dies right after the second host's file names the source again.
        var journalPath = Path.Combine(lab.StateRoot, plan.PlanId, "journal.jsonl");
        var tail = new JournalTail(journalPath);
        string[] abort = ["migrate", "abort", plan.PlanId, "--state-dir", lab.StateRoot, "--output", "json"];
        using (var first = RealCli.Start(abort))
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
            while (!tail.ReadNew().Any(r => r.Type == JournalRecordTypes.Effect && r.Step == MigrationAborter.StepId && r.Key == "restore-connect:hbase-2"))
            {
                Assert.False(first.HasExited, first.OutputAndErrorSoFar);
                Assert.True(DateTime.UtcNow < deadline, "the abort did not restore hbase-2 in 3 minutes:\n" + first.OutputAndErrorSoFar);
                await Task.Delay(5);
            }

            first.Kill();
        }

        Assert.Equal(hbase.ConnectFor(plan.Destination), State(hosts[1]).GetProperty("connectString").GetString());
        (await RealCli.RunAsync(abort, TimeSpan.FromMinutes(4))).AssertExit(0);

        var report = MigrationRunner.Status(plan.PlanId, lab.StateRoot);
        output.WriteLine(report.ToText());
        Assert.Equal("aborted", report.Status);
        using var channels = new PlanAgentChannels(plan.Tls);
        foreach (var host in hosts)
        {
            var state = State(host);
            Assert.Equal(hbase.ConnectFor(plan.Source), state.GetProperty("connectString").GetString());
            Assert.Equal(0, state.GetProperty("sessionExpiries").GetInt32());
            var last = state.GetProperty("lastAcknowledgedSerial").GetInt64();
            var missing = await MigrationLab.MissingAcknowledgedAsync(hbase.ConnectFor(plan.Source), state.GetProperty("writePathPrefix").GetString()!, last);
            Assert.True(missing.Count == 0, $"{host.Name}: {missing.Count} acknowledged writes missing on the source");
            var file = await File.ReadAllTextAsync(host.Layout.ProductConfig(host.TenantProduct!));
            Assert.Contains($"<value>{string.Join(',', plan.Source.Select(s => s.Host))}</value>", file, StringComparison.Ordinal);
        }

        foreach (var d in plan.Destination)
        {
            var client = new Agent.V1.Agent.AgentClient(channels.For(d.Agent));
            var dataDir = await client.InspectDataDirAsync(new InspectDataDirRequest(), deadline: DateTime.UtcNow.AddSeconds(30));
            var description = await client.DescribeAsync(new DescribeRequest(), deadline: DateTime.UtcNow.AddSeconds(30));
            Assert.True(dataDir.Empty, $"destination {d.Id} not emptied");
            Assert.Equal(Agent.V1.ServiceState.Stopped, description.ServiceState);
        }

        await lab.AssertStandInsWholeAsync(plan.SourceConnect);
        await lab.AssertOtherTenantWholeAsync();
    }

    private static System.Text.Json.JsonElement State(LabHost host) => MigrationLab.ReadState(host.Layout.ProductStandInState(host.TenantProduct!));
}
