using ZkMitosis.Coordinator.Journal;
using ZkMitosis.Coordinator.Reporting;
using ZkMitosis.Coordinator.Tests.Support;

namespace ZkMitosis.Coordinator.Tests.Engine;

/// <summary>
/// Issue 12 §5: the point of no return proves each moved host left the source from what ZooKeeper shows positively
/// (the owner session of its registration was created on a destination server), not from the source's silence.
/// </summary>
public sealed class LeftSourceEngineTests
{
    private const string Solr = """
        tenants:
          - name: search
            preset: solr
            chroot: /solr
            hosts:
              - { agent: 10.250.7.31:7443 }
              - { agent: 10.250.7.32:7443 }

        """;

    [Fact]
    public async Task RunAsync_EveryHostSwitched_ReportListsEachRegistrationsDestinationSession()
    {
        using var harness = new EngineHarness(SamplePlans.Valid.Replace("tls:", Solr + "tls:", StringComparison.Ordinal));

        await harness.RunAsync();

        var report = MigrationReport.Build(harness.Plan, FileJournal.ReadAll(harness.JournalPath));
        Assert.Equal(
            ["kafka broker 1 (10.250.7.21) /kafka/brokers/ids/1", "kafka broker 2 (10.250.7.22) /kafka/brokers/ids/2", "kafka broker 3 (10.250.7.23) /kafka/brokers/ids/3",
             "search 10.250.7.31 /solr/live_nodes/10.250.7.31", "search 10.250.7.32 /solr/live_nodes/10.250.7.32"],
            report.LeftSource.Select(e => $"{e.Tenant} {e.Host} {e.Registration}"));
        Assert.All(report.LeftSource, e =>
        {
            Assert.True(e.OnDestination, e.Describe());
            Assert.Equal(harness.Plan.Destination[0].Id, e.EstablishedOn);
            Assert.Equal(e.EstablishedOn, (int)((ulong)e.SessionId >> 56));
        });
        Assert.Contains("established on destination server 4", report.ToText(), StringComparison.Ordinal);
        Assert.Contains("\"leftSource\"", report.ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_SourceRefusesConsAndABrokerCameBackOnTheSource_StopsBeforeTheCutNamingTheBroker()
    {
        using var harness = new EngineHarness(SamplePlans.Valid);
        harness.World.SourceRefusesCons = true;
        harness.World.BrokersThatComeBackOnTheSource.Add(2);

        var error = await Assert.ThrowsAnyAsync<Exception>(() => harness.RunAsync());

        Assert.Contains("registered through a destination session", error.Message, StringComparison.Ordinal);
        Assert.Contains(harness.Events, e => e.Message.Contains("broker 2 (10.250.7.22): /kafka/brokers/ids/2 owned by session 0x01", StringComparison.Ordinal)
            && e.Message.Contains("non-destination server 1", StringComparison.Ordinal));
        Assert.DoesNotContain(harness.World.Calls, c => c.StartsWith("isolate", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunAsync_BrokerIgnoresItsRestart_TheSwitchTimesOutNamingItsOldRegistration()
    {
        // The restart reports success, the old process runs on: /brokers/ids/2 exists, but under the epoch from
        // before the restart. It is not back, and nothing after the switch may start.
        using var harness = new EngineHarness(SamplePlans.Valid);
        harness.World.BrokersThatIgnoreRestart.Add(2);

        var error = await Assert.ThrowsAnyAsync<Exception>(() => harness.RunAsync());

        Assert.Contains("step switch-broker-2: timed out", error.Message, StringComparison.Ordinal);
        Assert.Contains(harness.Events, e => e.Message.Contains("broker 2 restarted", StringComparison.Ordinal));
        Assert.DoesNotContain(harness.Events, e => e.Step == "switch-broker-3");
        Assert.DoesNotContain(harness.World.Calls, c => c.StartsWith("isolate", StringComparison.Ordinal));
    }
}
