using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using Spectre.Console;
using ZkMitosis.Cli.Commands.Tools;
using ZkMitosis.Coordinator.Stress;

namespace ZkMitosis.Cli.Commands;

/// <summary>
/// <c>zkmitosis stress run</c> (many sessions writing serial-numbered znodes, optionally switching hosts
/// mid-run) and <c>zkmitosis stress verify</c> (every acknowledged write present, no expiry).
/// </summary>
internal static class StressCommand
{
    public static Command Create()
    {
        var command = new Command("stress", "a serial-numbered write workload that follows a migration");
        command.Subcommands.Add(CreateRun());
        command.Subcommands.Add(CreateVerify());
        return command;
    }

    private static Command CreateRun()
    {
        var connect = new Option<string>("--connect") { Description = "host:port[,…][/chroot] to write to", Required = true };
        var basePath = new Option<string>("--base-path") { Description = "parent of the run's znodes (through the chroot)", DefaultValueFactory = _ => "/zkmitosis-stress" };
        var sessions = new Option<int>("--sessions") { Description = "number of sessions", DefaultValueFactory = _ => 16 };
        var interval = new Option<int>("--interval-ms") { Description = "pause after each acknowledged write of a session, ms", DefaultValueFactory = _ => 50 };
        var sessionTimeout = new Option<int>("--session-timeout-ms") { Description = "session timeout requested, ms", DefaultValueFactory = _ => 10_000 };
        var duration = new Option<double?>("--duration") { Description = "seconds to run (default: until Ctrl-C)" };
        var switchTo = new Option<string?>("--switch-to") { Description = "hosts to move every session to mid-run (host:port,…)" };
        var switchAfter = new Option<double>("--switch-after") { Description = "seconds after the start to switch", DefaultValueFactory = _ => 10 };
        var output = new Option<string>("--output", "-o") { Description = "file for the result (read by 'stress verify')", DefaultValueFactory = _ => "stress-result.json" };
        var json = new Option<bool>("--json") { Description = "print the result as JSON" };
        var security = SecurityOptions.Create();
        var command = new Command("run", "run the workload until --duration or Ctrl-C, then save the result")
        {
            connect, basePath, sessions, interval, sessionTimeout, duration, switchTo, switchAfter, output, json,
        };
        security.AddTo(command);
        command.SetAction((parseResult, cancellationToken) => ToolConsole.RunAsync(parseResult, async () =>
        {
            var options = new StressOptions
            {
                ConnectString = parseResult.GetRequiredValue(connect),
                BasePath = parseResult.GetRequiredValue(basePath),
                Sessions = parseResult.GetValue(sessions),
                WriteInterval = TimeSpan.FromMilliseconds(parseResult.GetValue(interval)),
                SessionTimeout = TimeSpan.FromMilliseconds(parseResult.GetValue(sessionTimeout)),
                Security = security.Read(parseResult),
            };
            // systemd, timeout(1) and kill stop with SIGTERM: treat it as Ctrl-C, so that the result is still saved.
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
            {
                context.Cancel = true;
                stop.Cancel();
            });
            cancellationToken = stop.Token;
            var workload = await StressWorkload.StartAsync(options, cancellationToken);
            await using (workload)
            {
                var err = ToolConsole.Error(parseResult);
                await err.WriteLineAsync($"stress: {options.Sessions} sessions writing under {workload.RunPath}; Ctrl-C stops");
                var started = DateTime.UtcNow;
                var switchHosts = parseResult.GetValue(switchTo);
                var switched = false;
                var limit = parseResult.GetValue(duration) is { } seconds ? TimeSpan.FromSeconds(seconds) : Timeout.InfiniteTimeSpan;
                while (!cancellationToken.IsCancellationRequested && (limit == Timeout.InfiniteTimeSpan || DateTime.UtcNow - started < limit))
                {
                    if (!switched && switchHosts is not null && DateTime.UtcNow - started >= TimeSpan.FromSeconds(parseResult.GetValue(switchAfter)))
                    {
                        workload.SwitchServers(switchHosts);
                        switched = true;
                        await err.WriteLineAsync($"stress: switched every session to {switchHosts}");
                    }

                    try
                    {
                        await Task.Delay(100, cancellationToken);
                    }
                    catch (OperationCanceledException)
                    {
                        break;
                    }
                }

                var result = await workload.StopAsync();
                var file = parseResult.GetRequiredValue(output);
                await File.WriteAllTextAsync(file, StressJson.Serialize(result), CancellationToken.None);
                if (parseResult.GetValue(json))
                {
                    await ToolConsole.Out(parseResult).WriteLineAsync(StressJson.Serialize(result));
                }
                else
                {
                    WriteResult(parseResult, result);
                    await ToolConsole.Out(parseResult).WriteLineAsync($"result saved to {file}");
                }

                return result.Expiries == 0 && result.Sessions.All(s => s.EphemeralHeldAtStop) ? ToolConsole.Ok : ToolConsole.Failed;
            }
        }));
        return command;
    }

    private static Command CreateVerify()
    {
        var connect = new Option<string>("--connect") { Description = "host:port[,…][/chroot] to check (usually the destination)", Required = true };
        var resultFile = new Option<string>("--result") { Description = "the file 'stress run' saved", DefaultValueFactory = _ => "stress-result.json" };
        var json = new Option<bool>("--json") { Description = "print the verdict as JSON" };
        var security = SecurityOptions.Create();
        var command = new Command("verify", "check that every acknowledged write is present; exit 1 when one is missing or a session expired")
        {
            connect, resultFile, json,
        };
        security.AddTo(command);
        command.SetAction((parseResult, cancellationToken) => ToolConsole.RunAsync(parseResult, async () =>
        {
            var securityGiven = security.Read(parseResult);
            var result = StressJson.DeserializeResult(await File.ReadAllTextAsync(parseResult.GetRequiredValue(resultFile), cancellationToken));
            var verdict = await StressWorkload.VerifyAsync(parseResult.GetRequiredValue(connect), result, cancellationToken, securityGiven);
            var output = ToolConsole.Out(parseResult);
            if (parseResult.GetValue(json))
            {
                await output.WriteLineAsync(StressJson.Serialize(verdict));
            }
            else
            {
                var table = new Table().AddColumns("session", "acknowledged", "missing", "expiries", "longest gap ms");
                foreach (var s in verdict.Sessions)
                {
                    table.AddRow(Cell(s.Index), Cell(s.AcknowledgedWrites), Cell(s.MissingWrites), Cell(s.Expiries), Cell(s.LongestGapMs));
                }

                ToolConsole.Ansi(parseResult).Write(table);
                foreach (var path in verdict.MissingPaths)
                {
                    await output.WriteLineAsync($"missing: {path}");
                }

                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"{(verdict.Passed ? "PASSED" : "FAILED")}: {verdict.CheckedWrites} acknowledged writes checked, {verdict.MissingWrites} missing, {verdict.Expiries} session expiries, longest gap {verdict.LongestGapMs} ms"));
            }

            return verdict.Passed ? ToolConsole.Ok : ToolConsole.Failed;
        }));
        return command;
    }

    private static void WriteResult(ParseResult parseResult, StressResult result)
    {
        var table = new Table().AddColumns("session", "acknowledged", "expiries", "retries", "longest gap ms", "ephemeral held", "last error");
        foreach (var s in result.Sessions)
        {
            table.AddRow(Cell(s.Index), Cell(s.LastAcknowledgedSerial), Cell(s.Expiries), Cell(s.RetriedWrites), Cell(s.LongestGapMs), s.EphemeralHeldAtStop ? "yes" : "NO", Markup.Escape(s.LastError ?? "-"));
        }

        var console = ToolConsole.Ansi(parseResult);
        console.Write(table);
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{result.AcknowledgedWrites} acknowledged writes, {result.Expiries} session expiries, longest gap {result.LongestGapMs} ms, run {result.RunPath}"));
    }

    private static string Cell(long value) => value.ToString(CultureInfo.InvariantCulture);
}
