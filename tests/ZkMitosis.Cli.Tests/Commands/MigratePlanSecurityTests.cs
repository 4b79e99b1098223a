using System.Runtime.Versioning;
using ZkMitosis.Testing;

namespace ZkMitosis.Cli.Tests.Commands;

/// <summary>Issue 13: <c>migrate plan</c> refuses a plan whose security cannot work: exit 2, one line per problem naming its field, no password.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class MigratePlanSecurityTests : IDisposable
{
    private const string Password = "cli-plan-Pa55-never-shown";

    private readonly TestDirectory _directory = new("cli-plan-security");

    public void Dispose() => _directory.Dispose();

    private string WritePlan(UnixFileMode credentialsMode)
    {
        var credentials = Path.Combine(_directory.Path, "source.credentials");
        File.WriteAllText(credentials, $"username=kafka\npassword={Password}\n");
        File.SetUnixFileMode(credentials, credentialsMode);
        var security = $"  security:\n    clientAuth: {{ scheme: sasl, credentials: {credentials} }}\n    requireClientSasl: true\n    sslQuorum: true\n";
        var plan = CliPlans.Valid.Replace("source:\n", "source:\n" + security, StringComparison.Ordinal);
        var path = Path.Combine(_directory.Path, "plan.yaml");
        File.WriteAllText(path, plan);
        return path;
    }

    [Fact]
    public async Task MigratePlan_SecurityThatCannotWork_ExitsTwoWithOneLinePerProblemNamingItsField()
    {
        var outcome = await RealCli.RunAsync(["migrate", "plan", WritePlan(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead)]);

        outcome.AssertExit(2);
        Assert.DoesNotContain("   at ", outcome.Error, StringComparison.Ordinal);
        Assert.All(outcome.ErrorLines, line => Assert.StartsWith("zkmitosis: the plan is refused: ", line, StringComparison.Ordinal));
        foreach (var expected in new[]
        {
            "source.security.clientAuth.credentials: file ",
            "is open to group or others (mode 0604)",
            "destination.servers[0].hostSecurity.quorumTls: is required",
            "destination.security.requireClientSasl: must be true",
        })
        {
            Assert.True(outcome.ErrorLines.Any(l => l.Contains(expected, StringComparison.Ordinal)), $"expected '{expected}'; {outcome}");
        }

        Assert.DoesNotContain(Password, outcome.ToString(), StringComparison.Ordinal);
    }
}
