using ZkMitosis.Coordinator.Plans;
using ZkMitosis.Coordinator.Tests.Support;

namespace ZkMitosis.Coordinator.Tests.Plans;

public sealed class PlanLoaderTests
{
    [Fact]
    public void Load_ValidPlan_ReadsEveryField()
    {
        var plan = PlanLoader.Load(SamplePlans.Valid);

        Assert.Equal("kafka-to-dedicated", plan.PlanId);
        Assert.Equal("/kafka", plan.Chroot);
        Assert.Equal(MigrationStrategy.Observer, plan.Strategy);
        Assert.Equal([1, 2, 3], plan.Source.Select(s => s.Id));
        Assert.Equal([4, 5, 6], plan.Destination.Select(s => s.Id));
        Assert.Equal("10.250.7.15:7443", plan.Destination[1].Agent);
        Assert.Equal(3888, plan.Destination[2].ElectionPort);
        Assert.Equal("10.250.7.22", plan.Brokers[1].Host);
        Assert.True(plan.Tls.Insecure);
        Assert.Equal(TimeSpan.FromMilliseconds(10), plan.Intervals.Poll);
        Assert.Equal(TimeSpan.FromSeconds(5), plan.Timeouts.Election);
        Assert.Equal("10.250.7.14:2181,10.250.7.15:2181,10.250.7.16:2181/kafka", plan.DestinationConnect);
        Assert.Equal(64, plan.Sha256.Length);
    }

    [Fact]
    public void Load_NoStrategyOrTimeouts_UsesDefaults()
    {
        var text = SamplePlans.Valid.Replace("strategy: observer\n", "", StringComparison.Ordinal);
        text = text[..text.IndexOf("timeouts:", StringComparison.Ordinal)];

        var plan = PlanLoader.Load(text);

        Assert.Equal(MigrationStrategy.Observer, plan.Strategy);
        Assert.Equal(TimeSpan.FromSeconds(30), plan.Timeouts.AgentCall);
        Assert.Equal(TimeSpan.FromSeconds(90), plan.Timeouts.ServerStart);
        Assert.Equal(TimeSpan.FromMilliseconds(300), plan.Timeouts.StopGrace);
        Assert.Equal(TimeSpan.FromMilliseconds(200), plan.Intervals.Poll);
        Assert.Equal(TimeSpan.FromSeconds(2), plan.Intervals.BrokerRestartPause);
    }

    public static TheoryData<string, string, string, string> InvalidPlans => new()
    {
        // name, text to replace, replacement, expected path
        { "chroot missing", "chroot: /kafka\n", "", "chroot" },
        { "chroot root", "chroot: /kafka", "chroot: /", "chroot" },
        { "chroot relative", "chroot: /kafka", "chroot: kafka", "chroot" },
        { "bad plan id", "planId: kafka-to-dedicated", "planId: Kafka_To", "planId" },
        { "duplicate id", "id: 5, host: 10.250.7.15", "id: 4, host: 10.250.7.15", "destination.servers[1].id" },
        { "duplicate address", "id: 5, host: 10.250.7.15", "id: 5, host: 10.250.7.14", "destination.servers[1].clientPort" },
        { "destination id not above source", "id: 4, host: 10.250.7.14", "id: 0, host: 10.250.7.14", "destination.servers[0].id" },
        { "destination id equal to a source id", "id: 6, host: 10.250.7.16", "id: 3, host: 10.250.7.16", "destination.servers[2].id" },
        { "unknown strategy", "strategy: observer", "strategy: mirror", "strategy" },
        { "unknown field", "chroot: /kafka", "chroot: /kafka\nchrot: /kafka", "chrot" },
        { "bad duration", "election: 5s", "election: soon", "timeouts.election" },
        { "stop grace not below the stop's bound", "election: 5s", "election: 5s\n  stopGrace: 5s", "timeouts.stopGrace" },
        { "port out of range", "clientPort: 2181, quorumPort: 2888, electionPort: 3888, agent: 10.250.7.13:7443", "clientPort: 99999, quorumPort: 2888, electionPort: 3888, agent: 10.250.7.13:7443", "source.servers[2].clientPort" },
        { "agent not host:port", "agent: 10.250.7.21:7443", "agent: nowhere", "kafka.brokers[0].agent" },
        { "duplicate broker id", "{ id: 2, agent: 10.250.7.22:7443 }", "{ id: 1, agent: 10.250.7.22:7443 }", "kafka.brokers[1].id" },
        { "broker on a zookeeper agent", "agent: 10.250.7.23:7443", "agent: 10.250.7.13:7443", "kafka.brokers[2].agent" },
        { "no brokers", "kafka:\n  brokers:\n    - { id: 1, agent: 10.250.7.21:7443 }\n    - { id: 2, agent: 10.250.7.22:7443 }\n    - { id: 3, agent: 10.250.7.23:7443 }", "kafka:\n  brokers: []", "kafka.brokers" },
        { "tls files missing", "  insecure: true", "  ca: /nonexistent/ca.crt\n  certificate: /nonexistent/c.crt\n  key: /nonexistent/c.key", "tls.ca" },
        { "tls required without insecure", "  insecure: true", "  insecure: false", "tls.certificate" },
        { "participant section with observer", "strategy: observer", "strategy: observer\nparticipant:\n  joiners: [4, 5]", "participant" },
        { "joiner not a destination", "strategy: observer", "strategy: participant\nparticipant:\n  joiners: [4, 9]", "participant.joiners[1]" },
        { "participant too few joiners", "strategy: observer", "strategy: participant\nparticipant:\n  joiners: [4]", "participant.joiners" },
        { "participant too many joiners", "strategy: observer", "strategy: participant\nparticipant:\n  joiners: [4, 5, 6]", "participant.joiners" },
        { "not yaml", "chroot: /kafka", "chroot: [unclosed", "(line" },
    };

    [Theory]
    [MemberData(nameof(InvalidPlans))]
    public void Load_InvalidPlan_RefusedWithFieldPath(string name, string find, string replace, string expectedPath)
    {
        Assert.Contains(find, SamplePlans.Valid, StringComparison.Ordinal);
        var text = SamplePlans.Valid.Replace(find, replace, StringComparison.Ordinal);

        var error = Assert.Throws<InvalidPlanException>(() => PlanLoader.Load(text));

        Assert.True(error.Problems.Any(p => p.Path.StartsWith(expectedPath, StringComparison.Ordinal)), $"{name}: expected a problem at {expectedPath}, got:\n{error.Message}");
    }

    [Fact]
    public void Load_SeveralProblems_ReportsEveryOne()
    {
        var text = SamplePlans.Valid
            .Replace("chroot: /kafka", "chroot: kafka", StringComparison.Ordinal)
            .Replace("id: 4, host: 10.250.7.14", "id: 2, host: 10.250.7.14", StringComparison.Ordinal)
            .Replace("election: 5s", "election: never", StringComparison.Ordinal);

        var error = Assert.Throws<InvalidPlanException>(() => PlanLoader.Load(text));

        Assert.Contains(error.Problems, p => p.Path == "chroot");
        Assert.Contains(error.Problems, p => p.Path == "destination.servers[0].id" && p.Message.Contains("used twice", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.Path == "destination.servers[0].id" && p.Message.Contains("above every source id", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.Path == "timeouts.election");
    }

    [Fact]
    public void Load_ParticipantWithoutJoiners_ChoosesTheSmallestSafeSet()
    {
        var plan = PlanLoader.Load(SamplePlans.Participant());

        Assert.Equal(MigrationStrategy.Participant, plan.Strategy);
        Assert.Equal([4, 5], plan.Joiners);
        Assert.Equal([6], plan.Dormant.Select(d => d.Id));
    }

    [Fact]
    public void Load_ParticipantThreeToThreeWithTwoJoiners_Accepted()
    {
        var plan = PlanLoader.Load(SamplePlans.Participant("5, 6"));

        Assert.Equal([5, 6], plan.Joiners);
    }
}
