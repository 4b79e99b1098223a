using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using ZkMitosis.Cli.Commands.Tools;
using ZkMitosis.Coordinator.Copy;
using ZkMitosis.Coordinator.Mirror;
using ZkMitosis.Coordinator.Verification;

namespace ZkMitosis.Cli.Commands;

/// <summary>
/// <c>zkmitosis mirror --source HOST:PORT[,…]/PATH --target HOST:PORT[,…]/PATH [--until-zxid Z]</c>: the live
/// mirror (<see cref="TreeMirror"/>) until Ctrl-C or until every source change up to Z is applied, printing a
/// progress line with the lag. SIGINT (Ctrl-C) and SIGTERM stop it cleanly: no further events are taken, the
/// writes in flight are acknowledged, the final status is printed. Started with SIGINT ignored (a background job of a
/// non-interactive shell), SIGINT stays ignored, as for any Unix program, and stderr says so: SIGTERM still stops it.
/// Exit 0 when stopped that way, 1 when it failed, 2 on bad input.
/// </summary>
internal static class MirrorCommand
{
    /// <summary>How long a signalled mirror may take to acknowledge its writes in flight before it stops at once.</summary>
    private static readonly TimeSpan DrainBound = TimeSpan.FromSeconds(30);

    /// <summary>
    /// True for <c>zkmitosis mirror</c>: it handles SIGINT and SIGTERM itself (drain, final status, exit 0), which
    /// may take longer than the 2 s after which System.CommandLine's own handling ends the process with 130/143.
    /// </summary>
    public static bool HandlesSignals(ParseResult parseResult) => parseResult.CommandResult.Command.Name == "mirror" && parseResult.CommandResult.Command.Parents.Any(p => p is RootCommand);

    public static Command Create()
    {
        var source = new Option<string>("--source") { Description = "HOST:PORT[,…]/PATH to follow (ZooKeeper 3.6+: persistent recursive watches)", Required = true };
        var target = new Option<string>("--target") { Description = "HOST:PORT[,…]/PATH to apply the changes to", Required = true };
        var untilZxid = new Option<string?>("--until-zxid") { Description = "stop once every source change up to this zxid (0x-hex or decimal) is applied" };
        var rescan = new Option<string>("--rescan-interval") { Description = "safety-net re-scan period (carries ACL changes, which a watch does not show): 90s, 5m, 500ms, or 0 for none", DefaultValueFactory = _ => "60s" };
        var progressInterval = new Option<string>("--progress-interval") { Description = "how often a progress line is printed", DefaultValueFactory = _ => "1s" };
        var containers = new Option<string[]>("--container") { Description = "PATH-PATTERN of source znodes to create as containers; repeatable", Arity = ArgumentArity.ZeroOrMore };
        var ttls = new Option<string[]>("--ttl") { Description = "PATH-PATTERN=MS: create these source znodes as TTL znodes; repeatable", Arity = ArgumentArity.ZeroOrMore };
        var sourceAuth = new Option<string?>("--source-auth") { Description = "scheme:auth for the source sessions" };
        var targetAuth = new Option<string?>("--target-auth") { Description = "scheme:auth for the target sessions" };
        var maxFrameBytes = CopyCommand.MaxFrameBytesOption("the servers' jute.maxbuffer");
        var writesInFlight = new Option<int>("--writes-in-flight") { Description = "target writes sent before the first is acknowledged (pipelined on one session, applied in order); 1 waits for each", DefaultValueFactory = _ => 500 };
        var json = new Option<bool>("--json") { Description = "progress and the final status as JSON, one object per line" };
        var sourceSecurity = SecurityOptions.ForSide("source");
        var targetSecurity = SecurityOptions.ForSide("target");
        var command = new Command("mirror", "follow a subtree live (initial copy, then every change in order) until Ctrl-C or --until-zxid; progress lines show the lag")
        {
            source, target, untilZxid, rescan, progressInterval, containers, ttls, sourceAuth, targetAuth, maxFrameBytes, writesInFlight, json,
        };
        sourceSecurity.AddTo(command);
        targetSecurity.AddTo(command);
        command.SetAction((parseResult, cancellationToken) => ToolConsole.RunAsync(parseResult, async () =>
        {
            var options = new MirrorOptions
            {
                Source = TreeLocation.Parse(parseResult.GetRequiredValue(source)),
                Target = TreeLocation.Parse(parseResult.GetRequiredValue(target)),
                UntilZxid = parseResult.GetValue(untilZxid) is { } z ? ParseZxid(z) : null,
                RescanInterval = ParseDuration("--rescan-interval", parseResult.GetRequiredValue(rescan), allowZero: true),
                Containers = [.. (parseResult.GetValue(containers) ?? []).Select(PathPattern.Parse)],
                Ttls = [.. (parseResult.GetValue(ttls) ?? []).Select(TtlRule.Parse)],
                SourceAuth = parseResult.GetValue(sourceAuth),
                TargetAuth = parseResult.GetValue(targetAuth),
                SourceSecurity = sourceSecurity.Read(parseResult),
                TargetSecurity = targetSecurity.Read(parseResult),
                MaxFrameBytes = parseResult.GetValue(maxFrameBytes),
                WritesInFlight = WritesInFlight(parseResult.GetValue(writesInFlight)),
            };
            var every = ParseDuration("--progress-interval", parseResult.GetRequiredValue(progressInterval), allowZero: false);
            var asJson = parseResult.GetValue(json);
            var output = ToolConsole.Out(parseResult);
            void Print(MirrorStatus status) => output.WriteLine(asJson ? MirrorJson.Serialize(status) : FormatProgress(status));
            // The first SIGINT or SIGTERM stops cleanly (drain, final status); a second one ends the process at once.
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            void OnSignal(PosixSignalContext context)
            {
                context.Cancel = !stop.IsCancellationRequested;
                stop.Cancel();
            }

            using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
            if (InheritedSignals.IsIgnored(InheritedSignals.SigInt))
            {
                // Kept ignored (the parent's choice, see InheritedSignals), but never silently: a `kill -INT` would do nothing.
                await ToolConsole.Error(parseResult).WriteLineAsync("zkmitosis: SIGINT is ignored in this process (inherited, e.g. a background job of a script): stop the mirror with SIGTERM");
            }

            using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
            MirrorStatus final;
            try
            {
                final = await TreeMirror.RunAsync(options, Print, every, stop.Token, DrainBound);
            }
            catch (MirrorException e)
            {
                await ToolConsole.Error(parseResult).WriteLineAsync($"zkmitosis: {CopyCommand.OneLine(e.Message)}");
                return ToolConsole.Failed;
            }

            Print(final);
            if (!asJson)
            {
                await output.WriteLineAsync(FormatFinal(final));
            }

            return ToolConsole.Ok;
        }));
        return command;
    }

    /// <exception cref="FormatException">outside 1 to 10,000.</exception>
    private static int WritesInFlight(int n) => n is >= 1 and <= 10_000 ? n : throw new FormatException($"--writes-in-flight {n} is not between 1 and 10000");

    /// <summary>A zxid as 0x-hex or decimal.</summary>
    /// <exception cref="FormatException">neither, or negative.</exception>
    internal static long ParseZxid(string text)
    {
        var ok = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? long.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var zxid)
            : long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out zxid);
        return ok && zxid >= 0 ? zxid : throw new FormatException($"--until-zxid '{text}' is not a zxid (0x-hex or decimal)");
    }

    /// <summary>"500ms", "90s", "5m" or plain seconds.</summary>
    /// <exception cref="FormatException">anything else, or zero when not allowed.</exception>
    internal static TimeSpan ParseDuration(string option, string text, bool allowZero)
    {
        var (number, unit) = text.EndsWith("ms", StringComparison.Ordinal) ? (text[..^2], 1.0)
            : text.EndsWith('s') ? (text[..^1], 1000.0)
            : text.EndsWith('m') ? (text[..^1], 60_000.0)
            : (text, 1000.0);
        if (!double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) || (value * unit) is < 0 or > 86_400_000 || (!allowZero && value * unit < 1))
        {
            throw new FormatException($"{option} '{text}' is not a duration (e.g. 500ms, 90s, 5m{(allowZero ? ", 0" : string.Empty)})");
        }

        return TimeSpan.FromMilliseconds(value * unit);
    }

    private static string FormatProgress(MirrorStatus s) => string.Create(CultureInfo.InvariantCulture,
        $"mirror {s.Phase.ToString().ToLowerInvariant()}: applied {Zxid.Format(s.AppliedZxid)} of {Zxid.Format(s.SourceZxid)}, lag {s.LagTxns} txns / {s.LagMs:0} ms, events {s.EventsApplied}/{s.EventsReceived}, created {s.Created}, data {s.DataUpdated}, acl {s.AclUpdated}, deleted {s.Deleted}, rescans {s.Rescans}, resyncs {s.Resyncs}{(s.LastResyncReason is { } r ? $" (last: resynchronised by re-scan: {r})" : string.Empty)}{(s.LastError is { } e ? $", retried {s.Retries} (last: {CopyCommand.OneLine(e)})" : string.Empty)}");

    private static string FormatFinal(MirrorStatus s) => s.Unfaithful.Count == 0
        ? string.Create(CultureInfo.InvariantCulture, $"mirror stopped after {s.Elapsed.TotalSeconds:0.0} s: every source change up to {Zxid.Format(s.AppliedZxid)} applied")
        : string.Create(CultureInfo.InvariantCulture, $"mirror stopped after {s.Elapsed.TotalSeconds:0.0} s: applied up to {Zxid.Format(s.AppliedZxid)}; not faithful: {string.Join("; ", s.Unfaithful)}");
}
