using System.CommandLine;
using System.Globalization;
using ZkMitosis.Cli.Commands.Tools;
using ZkMitosis.Coordinator.Copy;

namespace ZkMitosis.Cli.Commands;

/// <summary><c>zkmitosis diff --source … --target …</c>: exit 0 when the trees are equal, 1 when they differ or on failure.</summary>
internal static class DiffCommand
{
    public static Command Create()
    {
        var source = new Option<string>("--source") { Description = "HOST:PORT[,…]/PATH", Required = true };
        var target = new Option<string>("--target") { Description = "HOST:PORT[,…]/PATH", Required = true };
        var faithful = new Option<bool>("--faithful") { Description = "also compare data versions and sequential counters" };
        var readPath = new Option<ReadPath>("--read-path") { Description = "MultiRead (3.6+, default) or PerOp", DefaultValueFactory = _ => ReadPath.MultiRead };
        var sourceAuth = new Option<string?>("--source-auth") { Description = "scheme:auth for the source session" };
        var targetAuth = new Option<string?>("--target-auth") { Description = "scheme:auth for the target session" };
        var json = new Option<bool>("--json") { Description = "print the result as JSON" };
        var command = new Command("diff", "compare two subtrees (data, ACLs, children; versions with --faithful); exit 1 on a difference")
        {
            source, target, faithful, readPath, sourceAuth, targetAuth, json,
        };
        command.SetAction((parseResult, cancellationToken) => ToolConsole.RunAsync(parseResult, async () =>
        {
            var options = new DiffOptions
            {
                Source = TreeLocation.Parse(parseResult.GetRequiredValue(source)),
                Target = TreeLocation.Parse(parseResult.GetRequiredValue(target)),
                Faithful = parseResult.GetValue(faithful),
                ReadPath = parseResult.GetValue(readPath),
                SourceAuth = parseResult.GetValue(sourceAuth),
                TargetAuth = parseResult.GetValue(targetAuth),
            };
            var asJson = parseResult.GetValue(json);
            var console = ToolConsole.Ansi(parseResult);
            var progress = new CopyProgress { Phase = "diff" };
            var result = await CopyProgressDisplay.RunAsync(console, !asJson && console.Profile.Capabilities.Interactive, progress,
                () => TreeDiffer.DiffAsync(options, progress, cancellationToken));
            var output = ToolConsole.Out(parseResult);
            if (asJson)
            {
                await output.WriteLineAsync(CopyJson.Serialize(result));
            }
            else
            {
                foreach (var d in result.Differences)
                {
                    await output.WriteLineAsync($"{Label(d.Kind)} {d.Path}{(d.Detail is null ? string.Empty : $" ({d.Detail})")}");
                }

                if (result.DifferenceCount > result.Differences.Count)
                {
                    await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"… and {result.DifferenceCount - result.Differences.Count} more"));
                }

                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"{(result.Equal ? "equal" : "DIFFERENT")}: {result.Source} vs {result.Target}: {result.Compared} znodes compared, {result.DifferenceCount} differences, {result.EphemeralsSkipped} ephemerals skipped, {result.Elapsed.TotalSeconds:0.0} s"));
            }

            return result.Equal ? ToolConsole.Ok : ToolConsole.Failed;
        }));
        return command;
    }

    private static string Label(DifferenceKind kind) => kind switch
    {
        DifferenceKind.MissingOnTarget => "missing on target:",
        DifferenceKind.ExtraOnTarget => "extra on target:  ",
        DifferenceKind.Data => "data differs:     ",
        DifferenceKind.Acl => "ACL differs:      ",
        DifferenceKind.DataVersion => "version differs:  ",
        _ => "sequence differs: ",
    };
}
