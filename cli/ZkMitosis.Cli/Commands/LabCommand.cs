using System.CommandLine;

namespace ZkMitosis.Cli.Commands;

/// <summary>`zkmitosis lab`.</summary>
internal static class LabCommand
{
    public static Command Create() => new("lab", "ephemeral clusters in network namespaces");
}
