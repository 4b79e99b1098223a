using ZkMitosis.Coordinator.Plans;
using ZkMitosis.Coordinator.Reporting;
using ZkMitosis.Coordinator.Verification;

namespace ZkMitosis.Coordinator.Tests.Reporting;

public sealed class ModeRecorderTests
{
    private static readonly ServerSpec Server = new(4, "10.0.0.4", 2181, 2888, 3888, "10.0.0.4:7443");
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 3, 0, 0, TimeSpan.Zero);
    private static readonly ServerObservation Refused = new(false, null, -1, "ConnectionRefused");

    /// <summary>srvr replies as ZooKeeper writes them: a run of polls in one mode is one span, closed by the first poll in another.</summary>
    [Fact]
    public void Observe_RunsOfPolls_OneSpanPerModeWithFirstAndLastZxid()
    {
        var recorder = new ModeRecorder();
        ServerModeSpan? Poll(int second, ServerObservation observation) => recorder.Observe("destination", Server, observation, T0.AddSeconds(second));

        Assert.Null(Poll(0, Refused));
        Assert.Null(Poll(1, Refused));
        var stopped = Poll(2, SrvrParser.Parse("This ZooKeeper instance is not currently serving requests\n"));
        var looking = Poll(3, SrvrParser.Parse("Zxid: 0x100000007\nMode: observer\n"));
        Assert.Null(Poll(4, SrvrParser.Parse("Zxid: 0x100000009\nMode: observer\n")));
        Assert.Null(Poll(5, SrvrParser.Parse("Zxid: 0x10000000a\nMode: observer\n")));
        var observer = Poll(6, Refused);
        var open = recorder.CloseAll(T0.AddSeconds(7));

        Assert.Equal(new ServerModeSpan("destination", 4, "10.0.0.4:2181", "stopped", T0, T0.AddSeconds(2), null, null), stopped);
        Assert.Equal(new ServerModeSpan("destination", 4, "10.0.0.4:2181", "looking", T0.AddSeconds(2), T0.AddSeconds(3), null, null), looking);
        Assert.Equal(new ServerModeSpan("destination", 4, "10.0.0.4:2181", "observer", T0.AddSeconds(3), T0.AddSeconds(6), 0x100000007, 0x10000000a), observer);
        Assert.Equal(new ServerModeSpan("destination", 4, "10.0.0.4:2181", "stopped", T0.AddSeconds(6), T0.AddSeconds(7), null, null), Assert.Single(open));
        Assert.Empty(recorder.CloseAll(T0.AddSeconds(8)));
    }

    [Fact]
    public void Build_JournaledSpansOfTwoProcesses_OneBandPerServerInTimeOrder()
    {
        var spans = new[]
        {
            new ServerModeSpan("destination", 4, "10.0.0.4:2181", "observer", T0.AddSeconds(5), T0.AddSeconds(9), 1, 2),
            new ServerModeSpan("source", 2, "10.0.0.2:2181", "leader", T0, T0.AddSeconds(9), 1, 2),
            new ServerModeSpan("destination", 4, "10.0.0.4:2181", "stopped", T0, T0.AddSeconds(5), null, null),
        };

        var bands = HostModeBand.From(spans);

        Assert.Equal(["10.0.0.2:2181", "10.0.0.4:2181"], bands.Select(b => b.Endpoint));
        Assert.Equal(["stopped", "observer"], bands[1].Spans.Select(s => s.Mode));
    }
}
