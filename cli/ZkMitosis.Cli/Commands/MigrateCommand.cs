using System.CommandLine;

namespace ZkMitosis.Cli.Commands;

/// <summary>`zkmitosis migrate`.</summary>
internal static class MigrateCommand
{
    public static Command Create() => new("migrate", "plan, run, resume, status and abort a migration");
}
