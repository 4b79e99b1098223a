using System.CommandLine;

namespace ZkMitosis.Cli.Commands;

/// <summary>`zkmitosis copy`.</summary>
internal static class CopyCommand
{
    public static Command Create() => new("copy", "copy a subtree between clusters (block & copy)");
}
