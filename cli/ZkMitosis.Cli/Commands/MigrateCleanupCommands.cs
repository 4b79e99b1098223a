using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using ZkMitosis.Coordinator.Cleanup;
using ZkMitosis.Coordinator.Plans;

namespace ZkMitosis.Cli.Commands;

/// <summary>
/// The cleanup after a finished split: <c>migrate prune-destination</c> (the destination keeps only the moved chroots)
/// and <c>migrate mark-source</c> (each moved chroot on the source gets a stale marker and, past a grace period, goes).
/// Both have a dry run that prints the counts and change nothing (<see cref="CleanupRunner"/>).
/// </summary>
internal static class MigrateCleanupCommands
{
    public static Command PruneDestination()
    {
        var planId = PlanIdArgument();
        var dryRun = DryRunOption();
        var output = MigrateCommand.OutputOption();
        var stateDir = MigrateCommand.StateDirOption();
        var command = new Command("prune-destination", "after the split, delete from the destination everything outside the moved chroots (a copy of the other tenants' data)") { planId, dryRun, output, stateDir };
        command.SetAction((result, cancellationToken) => NamedMigrationAsync(async () =>
        {
            var prune = await CleanupRunner.PruneDestinationAsync(result.GetValue(planId), result.GetValue(stateDir)!, result.GetValue(dryRun), cancellationToken);
            if (result.GetValue(output) == "json")
            {
                Console.WriteLine(JsonSerializer.Serialize(prune, JsonOptions));
                return 0;
            }

            var verb = prune.DryRun ? "would delete" : "deleted";
            var count = prune.DryRun ? prune.Extra : prune.Deleted;
            Console.WriteLine($"{verb} {count.ToString(CultureInfo.InvariantCulture)} znode(s) outside the moved chroots in {prune.ExtraRoots.Count} subtree(s)" +
                (prune.ExtraRoots.Count > 0 ? ": " + string.Join(", ", prune.ExtraRoots.Take(20)) + (prune.ExtraRoots.Count > 20 ? ", …" : "") : ""));
            return 0;
        }));
        return command;
    }

    public static Command MarkSource()
    {
        var planId = PlanIdArgument();
        var dryRun = DryRunOption();
        var removeAfter = new Option<string?>("--remove-after") { Description = "also remove each moved chroot from the source once its marker is this old (e.g. 7d, 168h)" };
        var output = MigrateCommand.OutputOption();
        var stateDir = MigrateCommand.StateDirOption();
        var command = new Command("mark-source", $"after the split, mark each moved chroot stale on the source (a '{SourceMarker.MarkerName}' znode) and, with --remove-after, remove it after a grace period") { planId, dryRun, removeAfter, output, stateDir };
        command.SetAction((result, cancellationToken) => NamedMigrationAsync(async () =>
        {
            TimeSpan? grace = null;
            if (result.GetValue(removeAfter) is { } text)
            {
                grace = Durations.TryParse(text, out var value) && value > TimeSpan.Zero
                    ? value
                    : throw new ArgumentException($"--remove-after must be a duration such as 7d, 168h or 30m, not '{text}'");
            }

            var marks = await CleanupRunner.MarkSourceAsync(result.GetValue(planId), result.GetValue(stateDir)!, grace, result.GetValue(dryRun), TimeProvider.System, cancellationToken);
            if (result.GetValue(output) == "json")
            {
                Console.WriteLine(JsonSerializer.Serialize(marks, JsonOptions));
                return 0;
            }

            foreach (var mark in marks)
            {
                Console.WriteLine($"{mark.Chroot}: {mark.Outcome}, {mark.Znodes.ToString(CultureInfo.InvariantCulture)} znode(s) on the source; {mark.Detail}");
            }

            return 0;
        }));
        return command;
    }

    /// <summary>No such migration, or several and none named (MigrationStore.Resolve): bad input, one line, exit 2.</summary>
    private static async Task<int> NamedMigrationAsync(Func<Task<int>> run)
    {
        try
        {
            return await run();
        }
        catch (InvalidOperationException e)
        {
            Console.Error.WriteLine($"zkmitosis: {CliErrors.OneLine(e.Message)}");
            return CliErrors.Usage;
        }
    }

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    private static Argument<string?> PlanIdArgument() =>
        new("plan-id") { Description = "the finished migration (default: the only one)", Arity = ArgumentArity.ZeroOrOne };

    private static Option<bool> DryRunOption() => new("--dry-run") { Description = "print the counts and change nothing" };
}
