namespace ZkMitosis.Coordinator.Plans;

/// <summary>
/// The accepted range of every plan duration (docs/plan-format.md), checked when the plan is loaded so that a
/// plan accepted never fails later on a limit: a value outside is refused naming the field.
/// </summary>
public static class DurationBounds
{
    /// <summary>
    /// The longest ControlService timeout an agent accepts (agent/Grpc/AgentService.cs, ParseControl: 0-30 min).
    /// <c>timeouts.serverStart</c> is sent as that timeout on every start, stop and restart.
    /// </summary>
    public static readonly TimeSpan AgentServiceTimeoutLimit = TimeSpan.FromMinutes(30);

    /// <summary>Shortest sub-second wait: shorter ones round down to a busy loop on some timers.</summary>
    private static readonly TimeSpan ShortestWait = TimeSpan.FromMilliseconds(10);

    /// <summary>Bounds (inclusive) of each field under <c>timeouts</c>.</summary>
    public static readonly IReadOnlyDictionary<string, (TimeSpan Min, TimeSpan Max)> Timeouts = new Dictionary<string, (TimeSpan, TimeSpan)>(StringComparer.Ordinal)
    {
        ["agentCall"] = (TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10)),
        ["serverStart"] = (TimeSpan.FromSeconds(1), AgentServiceTimeoutLimit),
        ["catchUp"] = (TimeSpan.FromSeconds(1), TimeSpan.FromHours(2)),
        ["brokerRegistration"] = (TimeSpan.FromSeconds(1), TimeSpan.FromHours(1)),
        ["election"] = (TimeSpan.FromSeconds(1), TimeSpan.FromHours(1)),
        ["stopGrace"] = (ShortestWait, TimeSpan.FromMinutes(5)),
    };

    /// <summary>Bounds (inclusive) of each field under <c>intervals</c>.</summary>
    public static readonly IReadOnlyDictionary<string, (TimeSpan Min, TimeSpan Max)> Intervals = new Dictionary<string, (TimeSpan, TimeSpan)>(StringComparer.Ordinal)
    {
        ["poll"] = (ShortestWait, TimeSpan.FromMinutes(1)),
        ["brokerRestartPause"] = (ShortestWait, TimeSpan.FromMinutes(10)),
    };
}
