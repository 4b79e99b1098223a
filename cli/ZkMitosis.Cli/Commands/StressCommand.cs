using System.CommandLine;

namespace ZkMitosis.Cli.Commands;

/// <summary>`zkmitosis stress`.</summary>
internal static class StressCommand
{
    public static Command Create() => new("stress", "a serial-numbered write workload that follows a migration");
}
