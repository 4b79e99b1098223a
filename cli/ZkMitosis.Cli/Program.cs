using System.CommandLine;
using ZkMitosis.Cli.Commands;

// Thin host: each command group lives in its own file under Commands/.
var root = new RootCommand("zkmitosis: move a ZooKeeper tenant (Kafka under its chroot) to a dedicated ensemble with no downtime and no lost data.");
root.Subcommands.Add(MigrateCommand.Create());
root.Subcommands.Add(ZkCommand.Create());
root.Subcommands.Add(CopyCommand.Create());
root.Subcommands.Add(DiffCommand.Create());
root.Subcommands.Add(SmoketestCommand.Create());
root.Subcommands.Add(StressCommand.Create());
root.Subcommands.Add(LabCommand.Create());
root.Subcommands.Add(CertsCommand.Create());
root.Subcommands.Add(AgentCommand.Create());
return await root.Parse(args).InvokeAsync();
