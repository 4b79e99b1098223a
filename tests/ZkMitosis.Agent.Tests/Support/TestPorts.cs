namespace ZkMitosis.Agent.Tests.Support;

/// <summary>Ports for agents inside namespaces: any fixed port works there, each namespace has its own.</summary>
public static class TestPorts
{
    public const int AgentInNamespace = 7443;
    public const int MonitoringInNamespace = 7444;
}
