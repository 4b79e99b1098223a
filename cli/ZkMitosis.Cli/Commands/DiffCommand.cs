using System.CommandLine;
using System.Globalization;
using ZkMitosis.Cli.Commands.Tools;
using ZkMitosis.Coordinator.Copy;

namespace ZkMitosis.Cli.Commands;

/// <summary>
/// <c>zkmitosis diff --source … --target …</c>: exit <see cref="ToolConsole.Ok"/> (0) when the trees are equal,
/// <see cref="Different"/> (3) when they differ, <see cref="ToolConsole.Failed"/> (1) when the diff could not be
/// made (a server unreachable or refusing a read), <see cref="ToolConsole.Usage"/> (2) on bad input: a failure
/// never looks like a result.
/// </summary>
internal static class DiffCommand
{
    /// <summary>The exit code of a diff that found differences.</summary>
    public const int Different = 3;

    public static Command Create()
    {
        var source = new Option<string>("--source") { Description = "HOST:PORT[,…]/PATH", Required = true };
        var target = new Option<string>("--target") { Description = "HOST:PORT[,…]/PATH", Required = true };
        var faithful = new Option<bool>("--faithful") { Description = "also compare data versions and sequential counters" };
        var readPath = new Option<ReadPath>("--read-path") { Description = "MultiRead (3.6+, default) or PerOp", DefaultValueFactory = _ => ReadPath.MultiRead };
        var sourceAuth = new Option<string?>("--source-auth") { Description = "scheme:auth for the source session" };
        var targetAuth = new Option<string?>("--target-auth") { Description = "scheme:auth for the target session" };
        var sourceSecurity = SecurityOptions.ForSide("source");
        var targetSecurity = SecurityOptions.ForSide("target");
        var json = new Option<bool>("--json") { Description = "print the result as JSON" };
        var maxFrameBytes = CopyCommand.MaxFrameBytesOption("the servers' jute.maxbuffer: every read request is sized under it");
        var command = new Command("diff", "compare two subtrees (data, null vs empty, ACLs, children, ephemerals; versions with --faithful). Exit 0 equal, 3 different, 1 failed, 2 bad input")
        {
            source, target, faithful, readPath, maxFrameBytes, sourceAuth, targetAuth, json,
        };
        sourceSecurity.AddTo(command);
        targetSecurity.AddTo(command);
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
                SourceSecurity = sourceSecurity.Read(parseResult),
                TargetSecurity = targetSecurity.Read(parseResult),
                MaxFrameBytes = parseResult.GetValue(maxFrameBytes),
            };
            var asJson = parseResult.GetValue(json);
            var console = ToolConsole.Ansi(parseResult);
            var progress = new CopyProgress { Phase = "diff" };
            DiffResult result;
            try
            {
                result = await CopyProgressDisplay.RunAsync(console, !asJson && console.Profile.Capabilities.Interactive, progress,
                    () => TreeDiffer.DiffAsync(options, progress, cancellationToken));
            }
            catch (CopyException e)
            {
                await ToolConsole.Error(parseResult).WriteLineAsync($"zkmitosis: diff failed: {CopyCommand.OneLine(e.Message)}");
                return ToolConsole.Failed;
            }

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

            return result.Equal ? ToolConsole.Ok : Different;
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
        DifferenceKind.PersistentCopyOfEphemeral => "persistent copy of an ephemeral:",
        DifferenceKind.EphemeralOnTarget => "ephemeral on target:",
        _ => "sequence differs: ",
    };
}
