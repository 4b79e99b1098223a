using System.CommandLine;
using System.Globalization;
using ZkMitosis.Cli.Commands.Tools;
using ZkMitosis.Coordinator.Copy;

namespace ZkMitosis.Cli.Commands;

/// <summary>
/// <c>zkmitosis copy --source HOST:PORT[,…]/PATH --target HOST:PORT[,…]/PATH</c>: block &amp; copy. Exit 0 when
/// the target now matches, 1 on any failure (named with its path; the summary then counts only what the target
/// acknowledged and gives no catch-up time), 2 on bad input.
/// </summary>
internal static class CopyCommand
{
    public static Command Create()
    {
        var source = new Option<string>("--source") { Description = "HOST:PORT[,…]/PATH to copy from", Required = true };
        var target = new Option<string>("--target") { Description = "HOST:PORT[,…]/PATH to copy to", Required = true };
        var mtime = new Option<string?>("--mtime") { Description = "only write znodes modified at or after T (ms since the epoch, or an ISO 8601 time), and ACLs set since (setACL leaves mtime alone); the run prints the T for the next run" };
        var delete = new Option<bool>("--delete") { Description = "delete target znodes the source does not have" };
        var faithful = new Option<bool>("--faithful") { Description = "also reproduce data versions and sequential counters (what Kafka relies on)" };
        var dryRun = new Option<bool>("--dry-run") { Description = "print what would change; write nothing" };
        var readPath = new Option<ReadPath>("--read-path") { Description = "MultiRead (3.6+, default) or PerOp", DefaultValueFactory = _ => ReadPath.MultiRead };
        var batchBytes = new Option<int>("--batch-bytes") { Description = "upper bound of one multi request, bytes on the wire (at most --max-frame-bytes)", DefaultValueFactory = _ => 512 * 1024 };
        var maxFrameBytes = MaxFrameBytesOption("the servers' jute.maxbuffer: every request is sized under it; a znode too large for the target is an error naming it");
        var containers = new Option<string[]>("--container") { Description = "PATH-PATTERN (/a/*, /a/**) of source znodes to create as containers (Curator's lock and leader parents); repeatable", Arity = ArgumentArity.ZeroOrMore, AllowMultipleArgumentsPerToken = false };
        var ttls = new Option<string[]>("--ttl") { Description = "PATH-PATTERN=MS: create these source znodes as TTL znodes (the target needs extendedTypesEnabled; checked first); repeatable", Arity = ArgumentArity.ZeroOrMore };
        var batchOps = new Option<int>("--batch-ops") { Description = "upper bound of ops in one multi", DefaultValueFactory = _ => 1000 };
        var inFlight = new Option<int>("--in-flight") { Description = "multi batches in flight", DefaultValueFactory = _ => 8 };
        var sourceAuth = new Option<string?>("--source-auth") { Description = "scheme:auth for the source session (e.g. digest:user:password)" };
        var targetAuth = new Option<string?>("--target-auth") { Description = "scheme:auth for the target session" };
        var sourceSecurity = SecurityOptions.ForSide("source");
        var targetSecurity = SecurityOptions.ForSide("target");
        var noAcls = new Option<bool>("--no-acls") { Description = "do not read or copy ACLs (one request per znode saved; new target znodes get world:anyone)" };
        var json = new Option<bool>("--json") { Description = "print the summary as JSON" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "no progress display, no per-change lines in a dry run" };
        var command = new Command("copy", "copy a subtree between clusters (block & copy); reruns converge")
        {
            source, target, mtime, delete, faithful, dryRun, readPath, batchBytes, maxFrameBytes, batchOps, inFlight, containers, ttls, sourceAuth, targetAuth, noAcls, json, quiet,
        };
        sourceSecurity.AddTo(command);
        targetSecurity.AddTo(command);
        command.SetAction((parseResult, cancellationToken) => ToolConsole.RunAsync(parseResult, async () =>
        {
            var options = new CopyOptions
            {
                Source = TreeLocation.Parse(parseResult.GetRequiredValue(source)),
                Target = TreeLocation.Parse(parseResult.GetRequiredValue(target)),
                ModifiedSince = parseResult.GetValue(mtime) is { } t ? ParseTime(t) : null,
                Delete = parseResult.GetValue(delete),
                Faithful = parseResult.GetValue(faithful),
                DryRun = parseResult.GetValue(dryRun),
                ReadPath = parseResult.GetValue(readPath),
                MaxBatchBytes = parseResult.GetValue(batchBytes),
                MaxFrameBytes = parseResult.GetValue(maxFrameBytes),
                Containers = [.. (parseResult.GetValue(containers) ?? []).Select(PathPattern.Parse)],
                Ttls = [.. (parseResult.GetValue(ttls) ?? []).Select(TtlRule.Parse)],
                MaxBatchOps = parseResult.GetValue(batchOps),
                BatchesInFlight = parseResult.GetValue(inFlight),
                SourceAuth = parseResult.GetValue(sourceAuth),
                TargetAuth = parseResult.GetValue(targetAuth),
                SourceSecurity = sourceSecurity.Read(parseResult),
                TargetSecurity = targetSecurity.Read(parseResult),
                CopyAcls = !parseResult.GetValue(noAcls),
            };
            var asJson = parseResult.GetValue(json);
            var output = ToolConsole.Out(parseResult);
            var console = ToolConsole.Ansi(parseResult);
            var printActions = options.DryRun && !asJson && !parseResult.GetValue(quiet);
            var progress = new CopyProgress();
            var showProgress = !asJson && !parseResult.GetValue(quiet) && !options.DryRun && console.Profile.Capabilities.Interactive;
            CopySummary summary;
            int exitCode;
            try
            {
                summary = await CopyProgressDisplay.RunAsync(console, showProgress, progress, () =>
                    TreeCopier.CopyAsync(options, progress, printActions ? a => output.WriteLine(FormatAction(a)) : null, cancellationToken));
                exitCode = summary.Unfaithful.Count > 0 ? ToolConsole.Failed : ToolConsole.Ok;
            }
            catch (CopyFailedException e)
            {
                await ToolConsole.Error(parseResult).WriteLineAsync($"zkmitosis: copy failed: {OneLine(e.Message)}");
                summary = e.Summary;
                exitCode = ToolConsole.Failed;
            }
            catch (CopyException e)
            {
                // Nothing was written (a server unreachable, the source missing): no summary to print.
                await ToolConsole.Error(parseResult).WriteLineAsync($"zkmitosis: copy failed: {OneLine(e.Message)}");
                return ToolConsole.Failed;
            }

            if (asJson)
            {
                await output.WriteLineAsync(CopyJson.Serialize(summary));
            }
            else
            {
                WriteSummary(output, summary);
            }

            return exitCode;
        }));
        return command;
    }

    /// <summary><c>--max-frame-bytes</c>, shared by copy and diff.</summary>
    internal static Option<int> MaxFrameBytesOption(string description) => new("--max-frame-bytes")
    {
        Description = description + " (default 1048575 = 0xfffff, ZooKeeper's default)",
        DefaultValueFactory = _ => ZkMitosis.ZooKeeper.ZooKeeperClientOptions.DefaultMaxFrameBytes,
    };

    internal static string OneLine(string text) => text.ReplaceLineEndings(" ");

    /// <summary>Milliseconds since the epoch, or an ISO 8601 time (UTC unless it says otherwise).</summary>
    internal static long ParseTime(string text)
    {
        if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var ms))
        {
            return ms;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
        {
            return time.ToUnixTimeMilliseconds();
        }

        throw new FormatException($"--mtime '{text}' is neither milliseconds since the epoch nor an ISO 8601 time");
    }

    private static string FormatAction(CopyAction action) => action.Kind switch
    {
        CopyActionKind.Create => $"create  {action.Path}",
        CopyActionKind.SetData => $"set     {action.Path}",
        CopyActionKind.SetAcl => $"setacl  {action.Path} {action.Detail}",
        CopyActionKind.Delete => $"delete  {action.Path}",
        CopyActionKind.BumpVersion => $"version {action.Path} ({action.Detail})",
        _ => $"seq     {action.Path} ({action.Detail})",
    };

    private static void WriteSummary(TextWriter output, CopySummary s)
    {
        var verb = s.DryRun ? "would be " : string.Empty;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{(s.DryRun ? "dry run: " : string.Empty)}{s.Source} -> {s.Target}: {s.SourceNodes} source znodes in {s.Elapsed.TotalSeconds:0.0} s ({s.ZnodesPerSecond:0} znodes/s)"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {verb}created {s.Created}, data {verb}updated {s.DataUpdated}, ACLs {verb}updated {s.AclUpdated}, {verb}deleted {s.Deleted}, unchanged {s.Unchanged}, older than --mtime {s.SkippedOlder}"));
        if (s.VersionBumps > 0 || s.SequenceBumps > 0 || s.Unfaithful.Count > 0)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  faithful: {s.VersionBumps} data version steps, {s.SequenceBumps} sequential counter steps"));
        }

        if (s.ContainersCreated > 0 || s.TtlCreated > 0)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  of those created: {s.ContainersCreated} containers, {s.TtlCreated} TTL znodes"));
        }

        if (!s.KindsChecked)
        {
            output.WriteLine("  container and TTL kinds were not checked: ZooKeeper reports them as persistent, so any were copied as persistent znodes (name them with --container/--ttl)");
        }

        WriteList(output, "ephemeral znodes skipped", s.Ephemerals, s.EphemeralPaths);
        WriteList(output, "persistent on the target but ephemeral on the source (stale copies; left alone)", s.PersistentCopiesOfEphemerals, s.PersistentCopiesOfEphemeralsPaths);
        WriteList(output, "target ephemerals of live sessions kept", s.TargetEphemeralsKept, s.TargetEphemeralsKeptPaths);
        WriteList(output, "cannot be written by this copy", s.NeedsCredentials.Count, s.NeedsCredentials);
        WriteList(output, "znodes vanished from the source during the copy (rerun to converge)", s.Vanished, s.VanishedPaths);
        if (s.Deleted == 0)
        {
            WriteList(output, s.DryRun ? "extra target znodes" : "extra target znodes left (use --delete)", s.ExtraOnTarget, s.ExtraPaths);
        }

        WriteList(output, "cannot reproduce on the target (already above the source)", s.Unfaithful.Count, s.Unfaithful);
        if (!s.DryRun && !s.Complete)
        {
            output.WriteLine("incomplete: the counts are what the target acknowledged; rerun the same copy (no --mtime from this run) to converge");
        }
        else if (s.NextModifiedSince is { } next)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"next catch-up: --mtime {next} ({DateTimeOffset.FromUnixTimeMilliseconds(next):O}){(s.NextModifiedSinceExact ? string.Empty : " (approximate: the source's zxid could not be read with srvr)")}"));
        }
    }

    private static void WriteList(TextWriter output, string title, long count, IReadOnlyList<string> paths)
    {
        if (count == 0)
        {
            return;
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{title}: {count}"));
        foreach (var path in paths)
        {
            output.WriteLine($"  {path}");
        }

        if (count > paths.Count)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  … and {count - paths.Count} more"));
        }
    }
}
