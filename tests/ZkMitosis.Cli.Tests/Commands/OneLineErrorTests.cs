using ZkMitosis.Testing;

namespace ZkMitosis.Cli.Tests.Commands;

/// <summary>
/// Every command's bad input or failure, through the real command: one line on stderr naming what is wrong, exit 2
/// for bad input or usage, 1 for a failure, never a stack trace.
/// </summary>
public sealed class OneLineErrorTests : IDisposable
{
    private readonly TestDirectory _directory = new("cli-errors");

    private string WritePlan(string text)
    {
        var path = Path.Combine(_directory.Path, $"plan-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public async Task MigratePlan_ValidPlan_ExitZero()
    {
        // The plan the other tests break must itself be accepted, or they would prove nothing.
        var outcome = await RealCli.RunAsync(["migrate", "plan", WritePlan(CliPlans.Valid)]);

        Assert.True(outcome.ExitCode == 0, outcome.ToString());
    }

    [Fact]
    public async Task MigratePlan_GivenADirectory_OneLineExitTwo()
    {
        var outcome = await RealCli.RunAsync(["migrate", "plan", _directory.Path]);

        outcome.AssertOneLineError(2, _directory.Path, "is a directory");
    }

    [Fact]
    public async Task MigratePlan_MissingFile_OneLineExitTwo()
    {
        var missing = Path.Combine(_directory.Path, "missing.yaml");

        var outcome = await RealCli.RunAsync(["migrate", "plan", missing]);

        outcome.AssertOneLineError(2, missing, "does not exist");
    }

    [Fact]
    public async Task MigratePlan_MalformedYaml_OneLineExitTwo()
    {
        var outcome = await RealCli.RunAsync(["migrate", "plan", WritePlan(CliPlans.Valid.Replace("chroot: /kafka", "chroot: [unclosed", StringComparison.Ordinal))]);

        outcome.AssertOneLineError(2, "not valid YAML");
    }

    [Fact]
    public async Task MigratePlan_HugeDuration_OneLineNamingTheFieldNotAnOverflow()
    {
        var outcome = await RealCli.RunAsync(["migrate", "plan", WritePlan(CliPlans.Valid.Replace("agentCall: 5s", "agentCall: 999999999h", StringComparison.Ordinal))]);

        outcome.AssertOneLineError(2, "timeouts.agentCall", "999999999h");
    }

    [Fact]
    public async Task MigratePlan_PlanIdWithTrailingNewline_OneLineNamingPlanId()
    {
        var outcome = await RealCli.RunAsync(["migrate", "plan", WritePlan(CliPlans.Valid.Replace("planId: cli-errors", "planId: \"cli-errors\\n\"", StringComparison.Ordinal))]);

        // The value is echoed escaped, so the newline in it cannot split the error line.
        outcome.AssertOneLineError(2, "planId", "\"cli-errors\\n\"");
    }

    [Fact]
    public async Task CertsInit_NegativeDays_OneLineExitTwo()
    {
        var outcome = await RealCli.RunAsync(["certs", "init", "--dir", _directory.Path, "--days", "-1"]);

        outcome.AssertOneLineError(2, "--days");
        Assert.False(File.Exists(Path.Combine(_directory.Path, "ca.key")), "nothing may be written for a refused command");
    }

    [Theory]
    [InlineData("0")]
    [InlineData("36501")]
    [InlineData("x")]
    [InlineData("99999999999")]
    public async Task CertsInit_DaysOutOfRangeOrNotANumber_OneLineExitTwo(string days)
    {
        var outcome = await RealCli.RunAsync(["certs", "init", "--dir", _directory.Path, "--days", days]);

        outcome.AssertOneLineError(2, "--days", days);
        Assert.False(File.Exists(Path.Combine(_directory.Path, "ca.key")), "nothing may be written for a refused command");
    }

    [Fact]
    public async Task CertsIssue_AgainstANonCaCertificate_OneLineExitTwo()
    {
        var ca = Path.Combine(_directory.Path, "ca");
        (await RealCli.RunAsync(["certs", "init", "--dir", ca])).AssertExit(0);
        (await RealCli.RunAsync(["certs", "issue", "client", "--dir", ca, "--name", "operator"])).AssertExit(0);

        // An operator's client certificate put where the CA should be.
        var notCa = Path.Combine(_directory.Path, "not-ca");
        Directory.CreateDirectory(notCa);
        File.Copy(Path.Combine(ca, "operator.crt"), Path.Combine(notCa, "ca.crt"));
        File.Copy(Path.Combine(ca, "operator.key"), Path.Combine(notCa, "ca.key"));

        var outcome = await RealCli.RunAsync(["certs", "issue", "client", "--dir", notCa, "--name", "someone"]);

        outcome.AssertOneLineError(2, "not a CA certificate");
        Assert.False(File.Exists(Path.Combine(notCa, "someone.crt")));
    }

    [Fact]
    public async Task CopyAndDiff_UnreachableSource_OneLineExitOne()
    {
        // Port 9 (discard) has no listener on loopback: the connection is refused until the session timeout.
        var copy = RealCli.RunAsync(["copy", "--source", "127.0.0.1:9/from", "--target", "127.0.0.1:9/to"]);
        var diff = RealCli.RunAsync(["diff", "--source", "127.0.0.1:9/from", "--target", "127.0.0.1:9/to"]);

        (await copy).AssertOneLineError(1, "127.0.0.1:9", "cannot connect");
        (await diff).AssertOneLineError(1, "127.0.0.1:9", "cannot connect");
    }

    [Fact]
    public async Task UnknownCommand_OneLineExitTwo()
    {
        var outcome = await RealCli.RunAsync(["migrate", "frobnicate"]);

        outcome.AssertOneLineError(2, "frobnicate", "--help");
    }

    [Fact]
    public async Task MigrateStatus_UnknownOutputFormat_OneLineExitTwo()
    {
        var outcome = await RealCli.RunAsync(["migrate", "status", "--output", "xml", "--state-dir", _directory.Path]);

        outcome.AssertOneLineError(2, "xml", "--output");
    }

    [Theory]
    [InlineData("--zookeeper-heap", "5x", "ZooKeeper heap '5x'")]
    [InlineData("--zookeeper-heap", "512m -Dx=1", "ZooKeeper heap '512m -Dx=1'")]
    [InlineData("--source", "9", "source: 9 is out of range")]
    [InlineData("--zookeeper-option", "noequals", "--zookeeper-option 'noequals' is not key=value")]
    public async Task LabUp_BadOption_OneLineExitTwoBeforeAnythingIsBuilt(string option, string value, string named)
    {
        var outcome = await RealCli.RunAsync(["lab", "up", "--name", "zkbad", "--dir", _directory.Path, option, value]);

        outcome.AssertOneLineError(2, named);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_directory.Path));
    }

    public void Dispose() => _directory.Dispose();
}
