using System.CommandLine;

namespace ZkMitosis.Cli.Commands;

/// <summary>`zkmitosis zk`.</summary>
internal static class ZkCommand
{
    public static Command Create() => new("zk", "read and change znodes; four-letter words");
}
