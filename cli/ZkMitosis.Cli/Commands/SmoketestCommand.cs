using System.CommandLine;

namespace ZkMitosis.Cli.Commands;

/// <summary>`zkmitosis smoketest`.</summary>
internal static class SmoketestCommand
{
    public static Command Create() => new("smoketest", "round trips and latencies against one or more clusters");
}
