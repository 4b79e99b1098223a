using ZkMitosis.Testing;
using ZkMitosis.Testing.Security;
using ZkMitosis.ZooKeeper;
using ZkMitosis.ZooKeeper.Security;

namespace ZkMitosis.Cli.Tests.Commands;

/// <summary>One real ZooKeeper 3.8 with a TLS client port and required SASL DIGEST-MD5 (user alice).</summary>
public sealed class SecureServerFixture : IAsyncLifetime
{
    public const string AlicePassword = "alice-cli-S3cret";
    public const string BobPassword = "bob-cli-S3cret";

    private readonly TestDirectory _directory = new("cli-secure");
    private SecureZooKeeper? _server;

    public string Directory => _directory.Path;

    public TestPki Pki { get; private set; } = null!;

    public SecureZooKeeper Server => _server ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync()
    {
        Pki = TestPki.Create(Path.Combine(Directory, "pki"));
        _server = await SecureZooKeeper.StartAsync(Path.Combine(Directory, "zk"), Pki, Pki.ServerKeyStoreFile, new Dictionary<string, string> { ["alice"] = AlicePassword, ["bob"] = BobPassword });
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        _directory.Dispose();
    }
}

/// <summary><c>zk</c> against a TLS + SASL server: the shared security options, and one-line errors without them.</summary>
public sealed class SecureZkCommandTests(SecureServerFixture fixture) : IClassFixture<SecureServerFixture>
{
    private string[] Tls(string? ca = null) =>
        ["--tls-ca", ca ?? fixture.Pki.CaFile, "--tls-cert", fixture.Pki.ClientCertificateFile, "--tls-key", fixture.Pki.ClientKeyFile];

    private string[] Sasl(string password, string user = "alice", string prefix = "") =>
        [$"--{prefix}sasl-credentials", SecureZooKeeper.WriteJaasClientFile(fixture.Directory, user, password)];

    private string[] Tls(string prefix, bool _) =>
        [$"--{prefix}tls-ca", fixture.Pki.CaFile, $"--{prefix}tls-cert", fixture.Pki.ClientCertificateFile, $"--{prefix}tls-key", fixture.Pki.ClientKeyFile];

    /// <summary>A znode only alice may read, made through the library with her credentials.</summary>
    private async Task<string> CreateAliceOnlyAsync(string data)
    {
        await using var client = await ZooKeeperClient.ConnectAsync(fixture.Server.SecureConnectString, new ZooKeeperClientOptions
        {
            ConnectTimeout = TimeSpan.FromSeconds(5),
            Tls = new ZooKeeperTlsOptions { CaFile = fixture.Pki.CaFile, CertificateFile = fixture.Pki.ClientCertificateFile, KeyFile = fixture.Pki.ClientKeyFile },
            Sasl = new ZooKeeperSaslCredentials("alice", SecureServerFixture.AlicePassword),
        });
        return await client.CreateAsync($"/cli-{Guid.NewGuid():N}", System.Text.Encoding.UTF8.GetBytes(data), acl: [new ZooKeeperAcl(ZooKeeperPermissions.All, "sasl", "alice")]);
    }

    private Task<CliRunner.Outcome> Zk(params string[] args) => CliRunner.RunAsync(["zk", "--connect", fixture.Server.SecureConnectString, .. args]);

    [Fact]
    public async Task Get_with_TLS_and_SASL_options_reads_a_node_only_alice_may_read()
    {
        var path = await CreateAliceOnlyAsync("for alice");
        var got = await Zk(["get", path, .. Tls(), .. Sasl(SecureServerFixture.AlicePassword)]);
        Assert.True(got.ExitCode == 0, got.ToString());
        Assert.Equal("for alice", got.Output.Trim());
    }

    [Fact]
    public async Task Get_without_SASL_fails_with_one_line_naming_the_cause()
    {
        var path = await CreateAliceOnlyAsync("x");
        var got = await Zk(["get", path, .. Tls()]);
        Assert.Equal(1, got.ExitCode);
        var line = Assert.Single(got.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("zkmitosis: ", line, StringComparison.Ordinal);
        Assert.Contains("requires SASL", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_with_a_CA_that_did_not_sign_the_server_fails_with_one_line_naming_the_cause()
    {
        var got = await Zk(["get", "/", .. Tls(fixture.Pki.OtherCaFile), .. Sasl(SecureServerFixture.AlicePassword)]);
        Assert.Equal(1, got.ExitCode);
        var line = Assert.Single(got.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("not trusted", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_with_a_wrong_password_fails_with_one_line_that_never_shows_the_password()
    {
        const string wrong = "wrong-Pa55word-for-alice";
        var got = await Zk(["get", "/", .. Tls(), .. Sasl(wrong)]);
        Assert.Equal(1, got.ExitCode);
        var line = Assert.Single(got.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("wrong password", line, StringComparison.Ordinal);
        Assert.DoesNotContain(wrong, got.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(SecureServerFixture.AlicePassword, got.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_TLS_option_without_the_CA_is_bad_input()
    {
        var got = await Zk("get", "/", "--tls-cert", fixture.Pki.ClientCertificateFile, "--tls-key", fixture.Pki.ClientKeyFile);
        Assert.Equal(2, got.ExitCode);
        Assert.Contains("need --tls-ca", got.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_credentials_file_is_bad_input_naming_the_option()
    {
        var got = await Zk("get", "/", "--sasl-credentials", Path.Combine(fixture.Directory, "absent.jaas"));
        Assert.Equal(2, got.ExitCode);
        Assert.Contains("--sasl-credentials", got.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Copy_from_alices_subtree_to_bobs_with_per_side_credentials_over_TLS()
    {
        var source = await CreateAliceOnlyAsync("parent");
        var server = fixture.Server.SecureConnectString;
        var target = $"/bob-{Guid.NewGuid():N}";
        var got = await CliRunner.RunAsync(["copy", "--source", server + source, "--target", server + target, "--no-acls", "--quiet",
            .. Tls("source-", true), .. Sasl(SecureServerFixture.AlicePassword, "alice", "source-"),
            .. Tls("target-", true), .. Sasl(SecureServerFixture.BobPassword, "bob", "target-")]);
        Assert.True(got.ExitCode == 0, got.ToString());

        var read = await Zk(["get", target, .. Tls(), .. Sasl(SecureServerFixture.BobPassword, "bob")]);
        Assert.Equal("parent", read.Output.Trim());

        var withoutTargetSasl = await CliRunner.RunAsync(["diff", "--source", server + source, "--target", server + target,
            .. Tls("source-", true), .. Sasl(SecureServerFixture.AlicePassword, "alice", "source-"), .. Tls("target-", true)]);
        Assert.Equal(1, withoutTargetSasl.ExitCode);
        Assert.True(withoutTargetSasl.Error.Contains("SessionClosedRequireSaslAuth", StringComparison.Ordinal), withoutTargetSasl.ToString());
    }

    [Fact]
    public async Task Four_letter_words_over_TLS_on_the_secure_port_with_the_same_options()
    {
        var server = fixture.Server.SecureConnectString;
        var got = await Zk(["4lw", server, "srvr", .. Tls()]);
        Assert.True(got.ExitCode == 0, got.ToString());
        Assert.Contains("Mode: standalone", got.Output, StringComparison.Ordinal);

        var json = await Zk(["4lw", server, "mntr", "--json", .. Tls()]);
        Assert.True(json.ExitCode == 0, json.ToString());
        Assert.Equal("standalone", System.Text.Json.Nodes.JsonNode.Parse(json.Output)!["fields"]!["zk_server_state"]!.GetValue<string>());

        var byName = await Zk(["4lw", $"localhost:{fixture.Server.SecurePort}", "ruok", "--tls-no-hostname-verification", .. Tls()]);
        Assert.True(byName.ExitCode == 0, byName.ToString());
        Assert.Equal("imok", byName.Output.Trim());
    }

    [Fact]
    public async Task Four_letter_words_over_TLS_refused_by_the_certificate_fail_with_one_line_naming_the_cause()
    {
        var untrusted = await Zk(["4lw", fixture.Server.SecureConnectString, "srvr", .. Tls(fixture.Pki.OtherCaFile)]);
        Assert.Equal(1, untrusted.ExitCode);
        var line = Assert.Single(untrusted.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("zkmitosis: 'srvr' to 127.0.0.1:", line, StringComparison.Ordinal);
        Assert.Contains("not trusted", line, StringComparison.Ordinal);

        var mismatch = await Zk(["4lw", $"localhost:{fixture.Server.SecurePort}", "srvr", .. Tls()]);
        Assert.Equal(1, mismatch.ExitCode);
        Assert.Contains("does not name host 'localhost'", Assert.Single(mismatch.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Four_letter_word_TLS_options_without_the_CA_or_with_a_file_that_is_no_certificate_are_bad_input()
    {
        var noCa = await Zk("4lw", fixture.Server.SecureConnectString, "srvr", "--tls-cert", fixture.Pki.ClientCertificateFile, "--tls-key", fixture.Pki.ClientKeyFile);
        Assert.Equal(2, noCa.ExitCode);
        Assert.Contains("need --tls-ca", noCa.Error, StringComparison.Ordinal);

        var notPem = Path.Combine(fixture.Directory, $"not-a-ca-{Guid.NewGuid():N}.pem");
        await File.WriteAllTextAsync(notPem, "not a certificate\n");
        var bad = await Zk("4lw", fixture.Server.SecureConnectString, "srvr", "--tls-ca", notPem);
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains(notPem, Assert.Single(bad.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Smoketest_speaks_the_same_options()
    {
        var got = await CliRunner.RunAsync(["smoketest", "--servers", fixture.Server.SecureConnectString, "--znode-count", "0", .. Tls(), .. Sasl(SecureServerFixture.AlicePassword)]);
        Assert.True(got.ExitCode == 0, got.ToString());
        var without = await CliRunner.RunAsync(["smoketest", "--servers", fixture.Server.SecureConnectString, "--znode-count", "0", .. Tls()]);
        Assert.Equal(1, without.ExitCode);
    }
}
