using System.CommandLine;
using ZkMitosis.Cli;
using ZkMitosis.Cli.Commands;
using ZkMitosis.Cli.Output;

// Thin host: each command group lives in its own file under Commands/. Every error leaves here as one line
// (CliErrors): parse errors exit 2, known exceptions by their kind, anything unexpected exits 1 with its type.
RedirectedOutput.Apply();
var root = new RootCommand("zkmitosis: move a ZooKeeper tenant (Kafka under its chroot) to a dedicated ensemble with no downtime and no lost data.");
root.Subcommands.Add(MigrateCommand.Create());
root.Subcommands.Add(ZkCommand.Create());
root.Subcommands.Add(CopyCommand.Create());
root.Subcommands.Add(DiffCommand.Create());
root.Subcommands.Add(MirrorCommand.Create());
root.Subcommands.Add(SmoketestCommand.Create());
root.Subcommands.Add(StressCommand.Create());
root.Subcommands.Add(LabCommand.Create());
root.Subcommands.Add(CertsCommand.Create());
root.Subcommands.Add(AgentCommand.Create());
try
{
    // Parsing runs option validators and conversions: it is inside the handler too.
    var parseResult = root.Parse(args);
    if (parseResult.Errors.Count > 0)
    {
        return CliErrors.ReportUsage(parseResult, Console.Error);
    }

    // A command that stops cleanly on SIGINT/SIGTERM itself (it may need longer than the host's 2 s) opts out of the host's handling.
    return await parseResult.InvokeAsync(new InvocationConfiguration
    {
        EnableDefaultExceptionHandler = false,
        ProcessTerminationTimeout = MirrorCommand.HandlesSignals(parseResult) ? null : TimeSpan.FromSeconds(2),
    });
}
catch (Exception e)
{
    return CliErrors.Report(e, Console.Error);
}
