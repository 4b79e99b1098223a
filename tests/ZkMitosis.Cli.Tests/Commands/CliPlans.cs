namespace ZkMitosis.Cli.Tests.Commands;

/// <summary>
/// A valid plan whose agents do not exist (loopback port 9, where nothing listens, or <see cref="WithAgentsAt"/> a
/// test's own listeners): enough for the commands that read a plan and a journal, and for a run that fails later.
/// </summary>
internal static class CliPlans
{
    public const string PlanId = "cli-errors";

    public const string Valid = """
        planId: cli-errors
        chroot: /kafka
        source:
          servers:
            - { id: 1, host: 127.0.0.1, clientPort: 21811, quorumPort: 28881, electionPort: 38881, agent: 127.0.0.1:9 }
        destination:
          servers:
            - { id: 2, host: 127.0.0.1, clientPort: 21812, quorumPort: 28882, electionPort: 38882, agent: 127.0.0.2:9 }
        kafka:
          brokers:
            - { id: 1, agent: 127.0.0.3:9 }
        tls:
          insecure: true
        timeouts:
          agentCall: 5s
        """;

    /// <summary><see cref="Valid"/> with its three agents at <c>127.0.0.1</c>, <c>.2</c> and <c>.3</c> on the ports given.</summary>
    public static string WithAgentsAt(IReadOnlyList<int> ports) => Valid
        .Replace("agent: 127.0.0.1:9", $"agent: 127.0.0.1:{ports[0]}", StringComparison.Ordinal)
        .Replace("agent: 127.0.0.2:9", $"agent: 127.0.0.2:{ports[1]}", StringComparison.Ordinal)
        .Replace("agent: 127.0.0.3:9", $"agent: 127.0.0.3:{ports[2]}", StringComparison.Ordinal);
}
