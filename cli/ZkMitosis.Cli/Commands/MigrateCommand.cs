using System.CommandLine;
using System.Text.Json;
using Spectre.Console;
using ZkMitosis.Cli.Output;
using ZkMitosis.Coordinator.Engine;
using ZkMitosis.Coordinator.Plans;
using ZkMitosis.Coordinator.Reporting;

namespace ZkMitosis.Cli.Commands;

/// <summary>`zkmitosis migrate plan|run|resume|status|abort`.</summary>
internal static class MigrateCommand
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static Command Create()
    {
        var command = new Command("migrate", "plan, check, run, resume, status and abort a migration");
        command.Subcommands.Add(PlanCommand());
        command.Subcommands.Add(MigrateCheckCommand.Create());
        command.Subcommands.Add(RunCommand());
        command.Subcommands.Add(ResumeCommand());
        command.Subcommands.Add(StatusCommand());
        command.Subcommands.Add(AbortCommand());
        command.Subcommands.Add(MigrateCleanupCommands.PruneDestination());
        command.Subcommands.Add(MigrateCleanupCommands.MarkSource());
        return command;
    }

    internal static Option<string> StateDirOption() => new("--state-dir") { Description = "where journals and reports live", DefaultValueFactory = _ => MigrationStore.DefaultRoot };

    internal static Option<string> OutputOption()
    {
        var output = new Option<string>("--output") { Description = "text (default) or json", DefaultValueFactory = _ => "text" };
        output.AcceptOnlyFromAmong("text", "json");
        return output;
    }

    private static Option<bool> YesOption() => new("--yes") { Description = "confirm the point of no return without asking" };

    private static Command PlanCommand()
    {
        var file = new Argument<FileInfo>("plan") { Description = "the plan YAML file" };
        var output = OutputOption();
        var command = new Command("plan", "validate a plan and print its compiled steps, checks and residual risks") { file, output };
        command.SetAction(result =>
        {
            var json = result.GetValue(output) == "json";
            MigrationPlan plan;
            try
            {
                plan = PlanLoader.Load(ReadPlan(result.GetValue(file)!));
            }
            catch (InvalidPlanException e)
            {
                return Refuse(e, json);
            }

            var steps = StepList.Compile(plan);
            var risks = ResidualRisks.For(plan);
            if (json)
            {
                var tenants = plan.Tenants.Select(t => new { t.Name, preset = t.Preset.ToString().ToLowerInvariant(), t.Chroot, t.Moves, hosts = t.Hosts.Select(h => h.Agent), health = t.Health.Describe(t.Chroot) });
                Console.WriteLine(JsonSerializer.Serialize(new { plan.PlanId, strategy = plan.Strategy.ToString().ToLowerInvariant(), plan.Joiners, tenants, steps, risks }, Json));
                return 0;
            }

            AnsiConsole.MarkupLine($"[bold]Plan {Markup.Escape(plan.PlanId)}[/]: move [bold]{Markup.Escape(plan.Chroot)}[/] from {plan.Source.Count} source to {plan.Destination.Count} destination servers, strategy [bold]{plan.Strategy.ToString().ToLowerInvariant()}[/]"
                + (plan.Strategy == MigrationStrategy.Participant ? $" (joiners {string.Join(", ", plan.Joiners)}, dormant {string.Join(", ", plan.Dormant.Select(d => d.Id))})" : ""));
            foreach (var tenant in plan.Tenants)
            {
                AnsiConsole.MarkupLine($"  tenant [bold]{Markup.Escape(tenant.Name)}[/] ({tenant.Preset.ToString().ToLowerInvariant()}) {Markup.Escape(tenant.Chroot)}: "
                    + (tenant.Moves ? $"moves, {tenant.Hosts.Count} host(s) switched in order; gate: {Markup.Escape(tenant.Health.Describe(tenant.Chroot))}" : "stays on the source (checked untouched)"));
            }

            var number = 0;
            foreach (var step in steps)
            {
                number++;
                AnsiConsole.MarkupLine($"\n[bold]{number,2}. {Markup.Escape(step.Id)}[/]{(step.PointOfNoReturn ? " [red bold](POINT OF NO RETURN)[/]" : "")}: {Markup.Escape(step.Title)}");
                foreach (var check in step.ChecksBefore)
                {
                    AnsiConsole.MarkupLine($"      [grey]check before[/] {Markup.Escape(check)}");
                }

                foreach (var action in step.Actions)
                {
                    AnsiConsole.MarkupLine($"      [yellow]action[/]       {Markup.Escape(action)}");
                }

                foreach (var check in step.ChecksAfter)
                {
                    AnsiConsole.MarkupLine($"      [green]check after[/]  {Markup.Escape(check)}");
                }
            }

            AnsiConsole.MarkupLine("\n[bold]Residual risks[/]");
            foreach (var risk in risks)
            {
                AnsiConsole.MarkupLine($"  - {Markup.Escape(risk)}");
            }

            return 0;
        });
        return command;
    }

    private static Command RunCommand()
    {
        var file = new Argument<FileInfo>("plan") { Description = "the plan YAML file" };
        var yes = YesOption();
        var output = OutputOption();
        var stateDir = StateDirOption();
        var stress = new Option<int>("--stress") { Description = "run the stress workload with N sessions during the migration (0: none)" };
        var metricsListen = MigrateMetrics.ListenOption();
        var approveEachBatch = BatchApproval.Option();
        var command = new Command("run", "run a migration (continues it if this plan already started)") { file, yes, output, stateDir, stress, metricsListen, approveEachBatch };
        command.SetAction(async (result, cancellationToken) =>
        {
            var json = result.GetValue(output) == "json";
            string text;
            MigrationPlan plan; // parsed once: the checks below, the stress workload, the live table and the run share it
            try
            {
                text = ReadPlan(result.GetValue(file)!);
                plan = PlanLoader.Load(text);
                if (plan.Switch is null && result.GetValue(approveEachBatch))
                {
                    Console.Error.WriteLine("zkmitosis: --approve-each-batch needs a plan with a switch: section (this plan switches one broker at a time)");
                    return CliErrors.Usage;
                }
            }
            catch (InvalidPlanException e)
            {
                return Refuse(e, json);
            }

            if (!TryOptions(result, stateDir, yes, json, approveEachBatch, out var options))
            {
                return CliErrors.Usage;
            }

            await using var metrics = MigrateMetrics.Start(result.GetValue(metricsListen));
            options = options with { Metrics = metrics?.Metrics };
            if (result.GetValue(stress) is var sessions and > 0)
            {
                try
                {
                    options = await MigrateStress.AttachAsync(options, plan, sessions, cancellationToken);
                }
                catch (Exception e) when (e is ZooKeeper.KeeperException or TimeoutException)
                {
                    Console.Error.WriteLine($"zkmitosis: the stress workload could not start on the source: {e.Message}");
                    return 2;
                }
            }

            // The point of no return and each batch's approval prompt on the terminal: the live table stops for them.
            if (LiveMigrationView.Wanted(json))
            {
                var table = new MigrationHostTable(plan);
                return await LiveMigrationView.RunAsync(table, (events, pause) => DriveAsync(
                    json,
                    (o, ct) => MigrationRunner.RunAsync(plan, text, o, ct),
                    options with { Events = events, Confirmation = LiveMigrationView.Pausing(options.Confirmation, pause)!, BatchApproval = LiveMigrationView.Pausing(options.BatchApproval, pause) },
                    cancellationToken));
            }

            return await DriveAsync(json, (o, ct) => MigrationRunner.RunAsync(plan, text, o, ct), options, cancellationToken);
        });
        return command;
    }

    private static Command ResumeCommand()
    {
        var planId = new Argument<string?>("plan-id") { Description = "the migration to resume (default: the only one)", Arity = ArgumentArity.ZeroOrOne };
        var yes = YesOption();
        var output = OutputOption();
        var stateDir = StateDirOption();
        var metricsListen = MigrateMetrics.ListenOption();
        var approveEachBatch = BatchApproval.Option();
        var command = new Command("resume", "continue a migration after a crash or a failure, from its journal") { planId, yes, output, stateDir, metricsListen, approveEachBatch };
        command.SetAction(async (result, cancellationToken) =>
        {
            var json = result.GetValue(output) == "json";
            if (!TryOptions(result, stateDir, yes, json, approveEachBatch, out var options))
            {
                return CliErrors.Usage;
            }

            await using var metrics = MigrateMetrics.Start(result.GetValue(metricsListen));
            options = options with { Metrics = metrics?.Metrics };
            return await DriveAsync(json, (o, ct) => MigrationRunner.ResumeAsync(result.GetValue(planId), o, ct), options, cancellationToken);
        });
        return command;
    }

    private static Command AbortCommand()
    {
        var planId = new Argument<string?>("plan-id") { Description = "the migration to abort (default: the only one)", Arity = ArgumentArity.ZeroOrOne };
        var output = OutputOption();
        var stateDir = StateDirOption();
        var metricsListen = MigrateMetrics.ListenOption();
        var command = new Command("abort", "undo a migration stopped before the point of no return") { planId, output, stateDir, metricsListen };
        command.SetAction(async (result, cancellationToken) =>
        {
            var json = result.GetValue(output) == "json";
            await using var metrics = MigrateMetrics.Start(result.GetValue(metricsListen));
            var options = new MigrationRunOptions { StateRoot = result.GetValue(stateDir)!, Events = new ConsoleEvents(json), Metrics = metrics?.Metrics };
            return await DriveAsync(json, (o, ct) => MigrationRunner.AbortAsync(result.GetValue(planId), o, ct), options, cancellationToken);
        });
        return command;
    }

    private static Command StatusCommand()
    {
        var planId = new Argument<string?>("plan-id") { Description = "the migration (default: the only one)", Arity = ArgumentArity.ZeroOrOne };
        var output = OutputOption();
        var stateDir = StateDirOption();
        var command = new Command("status", "show a migration's progress from its journal") { planId, output, stateDir };
        command.SetAction(result =>
        {
            try
            {
                var report = MigrationRunner.Status(result.GetValue(planId), result.GetValue(stateDir)!);
                Console.WriteLine(result.GetValue(output) == "json" ? report.ToJson() : report.ToText());
                return 0;
            }
            catch (InvalidOperationException e)
            {
                // No such migration, or several to choose from (MigrationStore.Resolve); a damaged journal or a
                // missing plan copy is reported by Program's handler.
                Console.Error.WriteLine($"zkmitosis: {CliErrors.OneLine(e.Message)}");
                return CliErrors.Usage;
            }
        });
        return command;
    }

    private static MigrationRunOptions Options(ParseResult result, Option<string> stateDir, Option<bool> yes, bool json) => new()
    {
        StateRoot = result.GetValue(stateDir)!,
        Events = new ConsoleEvents(json),
        Confirmation = result.GetValue(yes) ? new FixedConfirmation(true) : new TypedConfirmation(),
    };

    /// <summary><see cref="Options"/> with <c>--approve-each-batch</c>; false (the refusal printed) when it cannot be honoured.</summary>
    private static bool TryOptions(ParseResult result, Option<string> stateDir, Option<bool> yes, bool json, Option<bool> approveEachBatch, out MigrationRunOptions options)
    {
        var (approval, refusal) = BatchApproval.From(result, approveEachBatch);
        options = Options(result, stateDir, yes, json) with { BatchApproval = approval };
        if (refusal is not null)
        {
            Console.Error.WriteLine($"zkmitosis: {refusal}");
            return false;
        }

        return true;
    }

    private static async Task<int> DriveAsync(bool json, Func<MigrationRunOptions, CancellationToken, Task<MigrationReport>> drive, MigrationRunOptions options, CancellationToken cancellationToken)
    {
        try
        {
            var report = await drive(options, cancellationToken);
            Print(report, json);
            return 0;
        }
        catch (MigrationFailedException e)
        {
            Print(e.Report, json);
            var inner = e.InnerException!;
            var next = inner is PreflightFailedException or NotConfirmedException
                ? "nothing past that point was done"
                : "the journal records where it stopped: fix the cause and run 'zkmitosis migrate resume'";

            // An unsafe election stays a banner an operator cannot miss; every other failure is one line.
            Console.Error.WriteLine(inner is UnsafeElectionException
                ? $"\n!!! {inner.Message} !!!\n{next}."
                : $"zkmitosis: {CliErrors.OneLine(inner is PreflightFailedException preflight ? "preflight found problems: " + string.Join("; ", preflight.Problems) : inner.Message)}; {next}");
            return inner is PreflightFailedException ? 3 : 1;
        }
        catch (InvalidOperationException e)
        {
            // No such migration, or several to choose from (MigrationStore.Resolve). Everything else (a damaged
            // journal, another coordinator holding the lock, a changed plan) is reported by Program's handler.
            Console.Error.WriteLine($"zkmitosis: {CliErrors.OneLine(e.Message)}");
            return CliErrors.Usage;
        }
    }

    private static void Print(MigrationReport report, bool json)
    {
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(new { type = "report", report }, Json));
        }
        else
        {
            Console.WriteLine();
            Console.WriteLine(report.ToText());
        }
    }

    private static int Refuse(InvalidPlanException e, bool json)
    {
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(new { valid = false, problems = e.Problems }, Json));
        }
        else
        {
            // One line per problem, each whole on its own (a script can grep for the field).
            foreach (var problem in e.Problems)
            {
                Console.Error.WriteLine($"zkmitosis: the plan is refused: {CliErrors.OneLine(problem.ToString())}");
            }
        }

        return CliErrors.Usage;
    }

    /// <summary>The plan file's text.</summary>
    /// <exception cref="FileNotFoundException">no such file, or a directory (named as such).</exception>
    private static string ReadPlan(FileInfo file)
    {
        if (Directory.Exists(file.FullName))
        {
            throw new FileNotFoundException($"{file.FullName} is a directory, not a plan file", file.FullName);
        }

        if (!file.Exists)
        {
            throw new FileNotFoundException($"plan file {file.FullName} does not exist", file.FullName);
        }

        return File.ReadAllText(file.FullName);
    }

    /// <summary>Live progress: one line per event (Spectre.Console colours), or JSON lines with <c>--output json</c>.</summary>
    private sealed class ConsoleEvents(bool json) : IMigrationEvents
    {
        private readonly Lock _gate = new();

        public void Publish(MigrationEvent e)
        {
            lock (_gate)
            {
                if (json)
                {
                    Console.WriteLine(JsonSerializer.Serialize(new { type = "event", kind = e.Kind.ToString(), e.At, e.Step, e.Message, e.Host, e.Mode, e.Zxid }, Json));
                    return;
                }

                if (e.Kind == MigrationEventKind.NodeState)
                {
                    return;
                }

                var time = $"[grey]{e.At:HH:mm:ss.fff}[/]";
                var step = e.Step is null ? "" : $"[blue]{Markup.Escape(e.Step)}[/] ";
                var host = e.Host is null ? "" : $"[grey]{Markup.Escape(e.Host)}[/] ";
                var message = Markup.Escape(e.Message);
                AnsiConsole.MarkupLine(e.Kind switch
                {
                    MigrationEventKind.StepStarted => $"{time} [bold]▶ {step}[/]{message}",
                    MigrationEventKind.StepCompleted => $"{time} [green]✓[/] {step}done",
                    MigrationEventKind.StepSkipped => $"{time} [grey]· {Markup.Escape(e.Step ?? "")} already done[/]",
                    MigrationEventKind.StepFailed => $"{time} [red bold]✗ {step}{message}[/]",
                    MigrationEventKind.Warning => $"{time}   [yellow]{step}{host}{message}[/]",
                    _ => $"{time}   {step}{host}{message}",
                });
            }
        }
    }

    /// <summary>Asks the operator to type the plan id at the point of no return.</summary>
    private sealed class TypedConfirmation : IConfirmation
    {
        public Task<bool> ConfirmAsync(string planId, string summary, CancellationToken cancellationToken)
        {
            if (Console.IsInputRedirected)
            {
                Console.Error.WriteLine("zkmitosis: the point of no return needs a typed confirmation, but input is not a terminal: pass --yes");
                return Task.FromResult(false);
            }

            AnsiConsole.MarkupLine($"\n[bold red]POINT OF NO RETURN[/]\n{Markup.Escape(summary)}");
            var answer = AnsiConsole.Ask<string>($"Type the plan id [bold]{Markup.Escape(planId)}[/] to go on:");
            return Task.FromResult(answer.Trim() == planId);
        }
    }
}
