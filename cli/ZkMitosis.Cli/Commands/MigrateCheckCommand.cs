using System.CommandLine;
using ZkMitosis.Coordinator.Engine.Check;
using ZkMitosis.Coordinator.Plans;

namespace ZkMitosis.Cli.Commands;

/// <summary>
/// `zkmitosis migrate check PLAN`: the plan against the live hosts, changing nothing. Exit 0 when no problem was
/// found, 1 when problems were found (each listed; an unreachable agent is one), 2 for bad input (no such file, an
/// invalid plan).
/// </summary>
internal static class MigrateCheckCommand
{
    /// <summary>Problems were found: the run would stop at its preflight or endanger something.</summary>
    public const int ProblemsFound = 1;

    public static Command Create()
    {
        var file = new Argument<FileInfo>("plan") { Description = "the plan YAML file" };
        var output = new Option<string>("--output") { Description = "text (default) or json", DefaultValueFactory = _ => "text" };
        output.AcceptOnlyFromAmong("text", "json");
        var command = new Command("check", "check a plan against the live hosts without changing anything: every problem, the diff of every file the run writes, the firewall rules, the order of restarts") { file, output };
        command.SetAction(async (result, cancellationToken) =>
        {
            var json = result.GetValue(output) == "json";
            var path = result.GetValue(file)!;
            if (Directory.Exists(path.FullName) || !path.Exists)
            {
                Console.Error.WriteLine($"zkmitosis: plan file {path.FullName} {(Directory.Exists(path.FullName) ? "is a directory, not a plan file" : "does not exist")}");
                return CliErrors.Usage;
            }

            MigrationPlan plan;
            try
            {
                plan = PlanLoader.Load(await File.ReadAllTextAsync(path.FullName, cancellationToken));
            }
            catch (InvalidPlanException e)
            {
                foreach (var problem in e.Problems)
                {
                    Console.Error.WriteLine($"zkmitosis: the plan is refused: {CliErrors.OneLine(problem.ToString())}");
                }

                return CliErrors.Usage;
            }

            var report = await MigrationCheck.RunAsync(plan, cancellationToken);
            Console.Write(json ? report.ToJson() + "\n" : report.ToText());
            return report.Clean ? 0 : ProblemsFound;
        });
        return command;
    }
}
