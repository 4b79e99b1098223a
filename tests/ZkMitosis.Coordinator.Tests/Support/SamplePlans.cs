namespace ZkMitosis.Coordinator.Tests.Support;

/// <summary>Plan texts for tests: a valid 3 → 3 plan with three brokers, edited per test.</summary>
internal static class SamplePlans
{
    public const string Valid = """
        planId: kafka-to-dedicated
        chroot: /kafka
        strategy: observer
        source:
          servers:
            - { id: 1, host: 10.250.7.11, clientPort: 2181, quorumPort: 2888, electionPort: 3888, agent: 10.250.7.11:7443 }
            - { id: 2, host: 10.250.7.12, clientPort: 2181, quorumPort: 2888, electionPort: 3888, agent: 10.250.7.12:7443 }
            - { id: 3, host: 10.250.7.13, clientPort: 2181, quorumPort: 2888, electionPort: 3888, agent: 10.250.7.13:7443 }
        destination:
          servers:
            - { id: 4, host: 10.250.7.14, clientPort: 2181, quorumPort: 2888, electionPort: 3888, agent: 10.250.7.14:7443 }
            - { id: 5, host: 10.250.7.15, clientPort: 2181, quorumPort: 2888, electionPort: 3888, agent: 10.250.7.15:7443 }
            - { id: 6, host: 10.250.7.16, clientPort: 2181, quorumPort: 2888, electionPort: 3888, agent: 10.250.7.16:7443 }
        kafka:
          brokers:
            - { id: 1, agent: 10.250.7.21:7443 }
            - { id: 2, agent: 10.250.7.22:7443 }
            - { id: 3, agent: 10.250.7.23:7443 }
        tls:
          insecure: true
        timeouts:
          agentCall: 5s
          serverStart: 5s
          catchUp: 5s
          brokerRegistration: 5s
          election: 5s
        intervals:
          poll: 10ms
          brokerRestartPause: 10ms
        """;

    public static string Participant(string joiners = "") =>
        Valid.Replace("strategy: observer", "strategy: participant" + (joiners.Length == 0 ? "" : $"\nparticipant:\n  joiners: [{joiners}]"), StringComparison.Ordinal);
}
