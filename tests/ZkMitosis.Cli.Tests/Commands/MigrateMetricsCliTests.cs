using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ZkMitosis.Testing;
using ZkMitosis.Testing.Prometheus;

namespace ZkMitosis.Cli.Tests.Commands;

/// <summary><c>migrate run|resume|abort --metrics-listen</c> through the real command.</summary>
public sealed class MigrateMetricsCliTests : IDisposable
{
    private readonly TestDirectory _directory = new("metrics-cli");

    private string StateRoot => Path.Combine(_directory.Path, "state");

    private string WritePlan(string text)
    {
        var path = Path.Combine(_directory.Path, "plan.yaml");
        File.WriteAllText(path, text);
        return path;
    }

    [Theory]
    [InlineData("run", "localhost:9464", "host name is not accepted")]
    [InlineData("run", "127.0.0.1", "not ADDRESS:PORT")]
    [InlineData("resume", "::1:9464", "in brackets")]
    [InlineData("abort", "127.0.0.1:70000", "not a port")]
    public async Task MalformedAddress_OneLineExitTwoNothingStarted(string command, string value, string expected)
    {
        string[] arguments = command == "run"
            ? ["migrate", "run", WritePlan(CliPlans.Valid), "--yes", "--state-dir", StateRoot, "--metrics-listen", value]
            : ["migrate", command, CliPlans.PlanId, "--state-dir", StateRoot, "--metrics-listen", value];

        var outcome = await RealCli.RunAsync(arguments);

        outcome.AssertOneLineError(2, "--metrics-listen", expected);
        Assert.False(Directory.Exists(StateRoot), "a refused command created its state directory");
    }

    [Fact]
    public async Task PortInUse_OneLineExitTwoNothingStarted()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var outcome = await RealCli.RunAsync(["migrate", "run", WritePlan(CliPlans.Valid), "--yes", "--state-dir", StateRoot, "--metrics-listen", $"127.0.0.1:{port}"]);

        outcome.AssertOneLineError(2, $"cannot serve metrics on 127.0.0.1:{port}");
        Assert.False(Directory.Exists(StateRoot), "a refused command created its state directory");
    }

    /// <summary>
    /// A run whose agents never answer stays in its first step: scraped meanwhile, the coordinator shows that step
    /// running, its agent calls timing out, and its address on stderr (stdout stays the JSON lines).
    /// </summary>
    [Fact]
    public async Task RunWaitingOnAgents_ScrapedStepRunningAndCallFailures()
    {
        using var agents = new SilentAgents();
        var port = FreePorts.Next();
        using var cli = RealCli.Start("migrate", "run", WritePlan(CliPlans.WithAgentsAt(agents.Ports)), "--yes", "--state-dir", StateRoot, "--output", "json", "--metrics-listen", $"127.0.0.1:{port}");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var deadline = Stopwatch.StartNew();
        PrometheusExposition? running = null;
        PrometheusExposition? failing = null;
        while (failing is null)
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(60), $"no scrape showed a timed-out agent call within 60 s; last: {running?.Families.Count} families");
            Assert.False(cli.HasExited, "the run ended while its agents were silent");
            try
            {
                var exposition = PrometheusText.Parse(await http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/metrics")));
                Assert.Empty(PrometheusNaming.Problems(exposition, "zkmitosis_"));
                if (exposition.Samples("zkmitosis_migration_step").Any(s => s.Value == 1))
                {
                    running ??= exposition;
                }

                if (exposition.Samples("zkmitosis_migration_agent_call_failures_total").Any(s => s.Labels["code"] == "DeadlineExceeded"))
                {
                    failing = exposition;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(200);
        }

        cli.Kill();
        var outcome = await cli.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.NotNull(running);
        Assert.Equal(1, running.Value("zkmitosis_migration_info", "plan_id", CliPlans.PlanId, "mode", "run"));
        Assert.Single(running.Samples("zkmitosis_migration_step"), s => s.Value == 1);
        Assert.True(failing.Value("zkmitosis_migration_step_duration_seconds", "step", failing.Samples("zkmitosis_migration_step").Single(s => s.Value == 1).Labels["step"]) > 0);
        Assert.Contains(failing.Samples("zkmitosis_migration_agent_call_duration_seconds_count"), s => s.Value > 0);
        Assert.Contains($"metrics at http://127.0.0.1:{port}/metrics", outcome.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("metrics at", outcome.Output, StringComparison.Ordinal);
    }

    public void Dispose() => _directory.Dispose();
}
