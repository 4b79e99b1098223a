using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using ZkMitosis.Cli.Commands.Tools;
using ZkMitosis.Coordinator.Smoketest;

namespace ZkMitosis.Cli.Commands;

/// <summary>
/// <c>zkmitosis smoketest --servers HOST:PORT,… | --config zoo.cfg</c>: round trips and latencies per server;
/// <c>--every SECONDS</c> keeps running (e.g. during a migration) and reports every failure with its time.
/// Exit 1 when any check failed.
/// </summary>
internal static class SmoketestCommand
{
    public static Command Create()
    {
        var servers = new Option<string?>("--servers") { Description = "host:port,host:port,… (one session per server)" };
        var config = new Option<string?>("--config") { Description = "a zoo.cfg to take the servers from" };
        var count = new Option<int>("--znode-count") { Description = "znodes per latency phase (0: functional checks only)", DefaultValueFactory = _ => 1000 };
        var size = new Option<int>("--znode-size") { Description = "bytes per znode", DefaultValueFactory = _ => 100 };
        var inFlight = new Option<int>("--in-flight") { Description = "requests in flight in the pipelined phases", DefaultValueFactory = _ => 1000 };
        var timeout = new Option<double>("--timeout") { Description = "seconds to wait for a connection, a reply or a watch", DefaultValueFactory = _ => 10 };
        var basePath = new Option<string>("--base-path") { Description = "parent of the smoketest's znodes", DefaultValueFactory = _ => "/zkmitosis-smoketest" };
        var every = new Option<double?>("--every") { Description = "repeat every SECONDS until Ctrl-C, printing each failure with its time" };
        var json = new Option<bool>("--json") { Description = "print the report as JSON (one document per run)" };
        var security = SecurityOptions.Create();
        var command = new Command("smoketest", "round trips and latencies against one or more clusters")
        {
            servers, config, count, size, inFlight, timeout, basePath, every, json,
        };
        security.AddTo(command);
        command.SetAction((parseResult, cancellationToken) => ToolConsole.RunAsync(parseResult, async () =>
        {
            var list = (parseResult.GetValue(servers), parseResult.GetValue(config)) switch
            {
                ({ } s, null) => SmoketestServers.Parse(s),
                (null, { } file) => File.Exists(file) ? SmoketestServers.FromConfigFile(file) : throw new ArgumentException($"--config {file}: no such file"),
                _ => throw new ArgumentException("give exactly one of --servers and --config"),
            };
            var options = new SmoketestOptions
            {
                Servers = list,
                ZnodeCount = parseResult.GetValue(count),
                ZnodeSize = parseResult.GetValue(size),
                InFlight = parseResult.GetValue(inFlight),
                Timeout = TimeSpan.FromSeconds(parseResult.GetValue(timeout)),
                BasePath = parseResult.GetRequiredValue(basePath),
                Security = security.Read(parseResult),
            };
            var asJson = parseResult.GetValue(json);
            if (parseResult.GetValue(every) is not { } seconds)
            {
                var report = await SmoketestRunner.RunAsync(options, cancellationToken);
                await WriteAsync(parseResult, report, asJson);
                return report.Passed ? ToolConsole.Ok : ToolConsole.Failed;
            }

            var anyFailure = false;
            var output = ToolConsole.Out(parseResult);
            while (!cancellationToken.IsCancellationRequested)
            {
                var report = await SmoketestRunner.RunAsync(options, cancellationToken);
                anyFailure |= !report.Passed;
                if (asJson)
                {
                    await output.WriteLineAsync(SmoketestJson.Serialize(report));
                }
                else
                {
                    await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                        $"{report.StartedAt:O} {(report.Passed ? "ok" : "FAILED")}: {report.Servers.Count(s => s.Connected)}/{report.Servers.Count} servers, {report.Elapsed.TotalSeconds:0.0} s{Worst(report)}"));
                    foreach (var f in report.Failures)
                    {
                        await output.WriteLineAsync($"{f.At:O} FAILED {f.Server}: {f.Check}: {f.Message}");
                    }
                }

                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(seconds), cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            return anyFailure ? ToolConsole.Failed : ToolConsole.Ok;
        }));
        return command;
    }

    private static string Worst(SmoketestReport report)
    {
        var worst = report.Servers.SelectMany(s => s.Phases.Select(p => (s.Server, Phase: p))).MaxBy(x => x.Phase.P99Ms);
        return worst.Phase is null ? string.Empty : string.Create(CultureInfo.InvariantCulture, $", worst p99 {worst.Phase.P99Ms:0.00} ms ({worst.Phase.Phase} {worst.Phase.Mode} on {worst.Server})");
    }

    private static async Task WriteAsync(ParseResult parseResult, SmoketestReport report, bool asJson)
    {
        var output = ToolConsole.Out(parseResult);
        if (asJson)
        {
            await output.WriteLineAsync(SmoketestJson.Serialize(report));
            return;
        }

        var console = ToolConsole.Ansi(parseResult);
        foreach (var server in report.Servers)
        {
            if (!server.Connected)
            {
                console.WriteLine($"{server.Server}: not connected");
                continue;
            }

            // The title is markup: an IPv6 server's brackets ("[::1]:2181") must be escaped or they read as a style.
            var table = new Table().Title(Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"{server.Server} (session 0x{server.SessionId:x})")))
                .AddColumns("phase", "mode", "znodes", "ops/s", "mean ms", "p99 ms", "max ms");
            foreach (var p in server.Phases)
            {
                table.AddRow(p.Phase, p.Mode, Number(p.Count, "0"), Number(p.OpsPerSecond, "0"), Number(p.MeanMs, "0.00"), Number(p.P99Ms, "0.00"), Number(p.MaxMs, "0.00"));
            }

            console.Write(table);
        }

        foreach (var f in report.Failures)
        {
            await output.WriteLineAsync($"FAILED {f.Server}: {f.Check}: {f.Message}");
        }

        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"{(report.Passed ? "PASSED" : "FAILED")}: {report.Servers.Count} servers, {report.Failures.Count} failures, {report.Elapsed.TotalSeconds:0.0} s"));
    }

    private static string Number(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
