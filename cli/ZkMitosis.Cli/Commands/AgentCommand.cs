using System.CommandLine;

namespace ZkMitosis.Cli.Commands;

/// <summary>`zkmitosis agent`.</summary>
internal static class AgentCommand
{
    public static Command Create() => new("agent", "talk to a node agent");
}
