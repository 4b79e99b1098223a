using System.CommandLine;
using ZkMitosis.Cli.Commands.Zk;

namespace ZkMitosis.Cli.Commands;

/// <summary>
/// <c>zkmitosis zk …</c>: read and change znodes, send four-letter words. <c>--connect</c> and <c>--json</c>
/// apply to every subcommand; an error is one line naming the problem and the path, with exit code 1.
/// </summary>
internal static class ZkCommand
{
    public static Command Create()
    {
        var command = new Command("zk", "read and change znodes; four-letter words");
        command.Options.Add(ZkSession.Connect);
        command.Options.Add(ZkSession.Json);
        command.Options.Add(ZkSession.Auth);
        command.Options.Add(ZkSession.MaxFrameBytes);
        ZkSession.Security.AddTo(command);
        command.Subcommands.Add(ZkReadCommands.Ls());
        command.Subcommands.Add(ZkReadCommands.Get());
        command.Subcommands.Add(ZkReadCommands.Stat());
        command.Subcommands.Add(ZkWriteCommands.Create());
        command.Subcommands.Add(ZkWriteCommands.Set());
        command.Subcommands.Add(ZkWriteCommands.Delete());
        command.Subcommands.Add(ZkReadCommands.Tree());
        command.Subcommands.Add(FourLetterWordCommand.Create());
        return command;
    }
}
