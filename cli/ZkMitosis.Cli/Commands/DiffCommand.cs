using System.CommandLine;

namespace ZkMitosis.Cli.Commands;

/// <summary>`zkmitosis diff`.</summary>
internal static class DiffCommand
{
    public static Command Create() => new("diff", "compare two subtrees");
}
