extern alias AgentServer;

using AgentServer::ZkMitosis.Agent.Configuration;
using AgentServer::ZkMitosis.Agent.Files;
using Microsoft.Extensions.Options;
using ZkMitosis.Testing;
using ZkMitosis.ZooKeeper.Config;

namespace ZkMitosis.Agent.Tests.Files;

/// <summary>
/// The destination's zoo.cfg carrying the source's security settings (issue 13), rendered by the agent's write code
/// (<see cref="ZooKeeperFiles.RenderConfig"/>): every key kind, the host's own files in place of the source's, passwords
/// never carried and never shown, and a one-line refusal when the host lacks a file the source's settings need.
/// </summary>
public sealed class ZooCfgSecurityTests : IDisposable
{
    private const string Secret = "s3cr3t-Pw-7781";

    private readonly TestDirectory _directory = new("zkat-sec");

    private string ZooCfg => Path.Combine(_directory.Path, "zoo.cfg");

    private string DataDir => Path.Combine(_directory.Path, "data");

    private string Own(string name) => Path.Combine(_directory.Path, "own", name);

    private ZooKeeperSecurityOptions AllOwn => new()
    {
        KeyStore = Own("server.pem"),
        KeyStoreType = "PEM",
        KeyStorePasswordFile = Own("keystore.pw"),
        TrustStore = Own("ca.pem"),
        TrustStoreType = "PEM",
        TrustStorePasswordFile = Own("truststore.pw"),
        JaasFile = Own("jaas.conf"),
    };

    /// <summary>What a source running quorum TLS, a TLS client port and SASL has in its zoo.cfg (its own paths), as the coordinator reads it.</summary>
    private static string SourceZooCfg =>
        "dataDir=/var/lib/zookeeper\nclientPort=2181\n"
        + "serverCnxnFactory=org.apache.zookeeper.server.NettyServerCnxnFactory\nsecureClientPort=2281\n"
        + "sslQuorum=true\nssl.quorum.keyStore.location=/etc/zk-src/quorum.jks\nssl.quorum.keyStore.type=JKS\n"
        + $"ssl.quorum.keyStore.password={Secret}\nssl.quorum.trustStore.location=/etc/zk-src/trust.jks\nssl.quorum.trustStore.passwordPath=/etc/zk-src/trust.pw\n"
        + "ssl.quorum.hostnameVerification=false\nssl.quorum.protocol=TLSv1.3\n"
        + "ssl.keyStore.location=/etc/zk-src/client.jks\nssl.trustStore.location=/etc/zk-src/trust.jks\nssl.clientAuth=need\n"
        + "authProvider.1=org.apache.zookeeper.server.auth.SASLAuthenticationProvider\nsessionRequireClientSASLAuth=true\n"
        + "quorum.auth.enableSasl=true\nquorum.auth.learnerRequireSasl=true\nquorum.auth.serverRequireSasl=true\n"
        + "server.1=10.0.0.1:2888:3888\n";

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void SettingsOf_SourceZooCfg_SecurityKeysOnlyAndNoInlinePassword()
    {
        var settings = ZooKeeperSecurityKeys.SettingsOf(SourceZooCfg);

        Assert.DoesNotContain(settings, s => s.Value.Contains(Secret, StringComparison.Ordinal));
        Assert.False(settings.ContainsKey("ssl.quorum.keyStore.password"));
        Assert.False(settings.ContainsKey("dataDir"));
        Assert.False(settings.ContainsKey("server.1"));
        Assert.Equal("true", settings["sslQuorum"]);
        Assert.Equal("/etc/zk-src/quorum.jks", settings["ssl.quorum.keyStore.location"]);
        Assert.True(ZooKeeperSecurityKeys.NeedsQuorumTls(settings));
        Assert.True(ZooKeeperSecurityKeys.NeedsClientTls(settings));
        Assert.True(ZooKeeperSecurityKeys.NeedsJaas(settings));
    }

    [Theory]
    [InlineData("ssl.quorum.keyStore.location", SecurityKeyKind.KeyStoreLocation)]
    [InlineData("ssl.trustStore.location", SecurityKeyKind.TrustStoreLocation)]
    [InlineData("ssl.keyStore.type", SecurityKeyKind.KeyStoreType)]
    [InlineData("ssl.quorum.trustStore.type", SecurityKeyKind.TrustStoreType)]
    [InlineData("ssl.keyStore.passwordPath", SecurityKeyKind.KeyStorePasswordPath)]
    [InlineData("ssl.quorum.trustStore.passwordPath", SecurityKeyKind.TrustStorePasswordPath)]
    [InlineData("ssl.quorum.keyStore.password", SecurityKeyKind.Password)]
    [InlineData("ssl.trustStore.password", SecurityKeyKind.Password)]
    [InlineData("ssl.quorum.hostnameVerification", SecurityKeyKind.Setting)]
    [InlineData("authProvider.1", SecurityKeyKind.Setting)]
    public void KindOf_EachStoreKey(string key, SecurityKeyKind kind)
    {
        Assert.True(ZooKeeperSecurityKeys.IsSecurityKey(key));
        Assert.Equal(kind, ZooKeeperSecurityKeys.KindOf(key));
    }

    [Theory]
    [InlineData("dataDir")]
    [InlineData("server.1")]
    [InlineData("clientPort")]
    [InlineData("4lw.commands.whitelist")]
    public void IsSecurityKey_OtherKeys_False(string key) => Assert.False(ZooKeeperSecurityKeys.IsSecurityKey(key));

    [Fact]
    public void Render_SourceSettings_EachKindAdaptedToTheHostsOwnFiles()
    {
        var files = Files(AllOwn);
        var content = $"dataDir={DataDir}\nclientPort=2181\n# the destination's old TLS settings\nssl.quorum.ciphersuites=OLD\npeerType=observer\nserver.1=10.0.0.1:2888:3888\nserver.4=10.0.0.4:2888:3888:observer\n";

        var planned = PropertiesText.Parse(files.RenderConfig(content, null, null, ZooKeeperSecurityKeys.SettingsOf(SourceZooCfg)).Main);

        // Settings: as the source has them.
        Assert.Equal("org.apache.zookeeper.server.NettyServerCnxnFactory", planned.Get("serverCnxnFactory"));
        Assert.Equal("2281", planned.Get("secureClientPort"));
        Assert.Equal("true", planned.Get("sslQuorum"));
        Assert.Equal("false", planned.Get("ssl.quorum.hostnameVerification"));
        Assert.Equal("TLSv1.3", planned.Get("ssl.quorum.protocol"));
        Assert.Equal("need", planned.Get("ssl.clientAuth"));
        Assert.Equal("org.apache.zookeeper.server.auth.SASLAuthenticationProvider", planned.Get("authProvider.1"));
        Assert.Equal("true", planned.Get("sessionRequireClientSASLAuth"));
        Assert.Equal("true", planned.Get("quorum.auth.learnerRequireSasl"));

        // Stores, their types and password files: the host's own, for the quorum and the client port alike.
        foreach (var prefix in new[] { "ssl.quorum.", "ssl." })
        {
            Assert.Equal(Own("server.pem"), planned.Get(prefix + "keyStore.location"));
            Assert.Equal(Own("ca.pem"), planned.Get(prefix + "trustStore.location"));
            Assert.Equal(Own("keystore.pw"), planned.Get(prefix + "keyStore.passwordPath"));
            Assert.Equal(Own("truststore.pw"), planned.Get(prefix + "trustStore.passwordPath"));
            Assert.Null(planned.Get(prefix + "keyStore.password"));
            Assert.Null(planned.Get(prefix + "trustStore.password"));
        }

        Assert.Equal("PEM", planned.Get("ssl.quorum.keyStore.type"));
        Assert.DoesNotContain("/etc/zk-src", planned.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, planned.ToString(), StringComparison.Ordinal);

        // The destination's own security keys gave way to the source's; every other line stays.
        Assert.Null(planned.Get("ssl.quorum.ciphersuites"));
        Assert.Equal("observer", planned.Get("peerType"));
        Assert.Equal("10.0.0.4:2888:3888:observer", planned.Get("server.4"));
        Assert.Contains("# the destination's old TLS settings", planned.ToString(), StringComparison.Ordinal);
        Assert.True(ZooCfgSecurity.NeedsJaas(planned));
    }

    [Fact]
    public void Render_SameSettingsInAnotherOrder_SameFile()
    {
        var files = Files(AllOwn);
        var content = $"dataDir={DataDir}\n";
        var settings = ZooKeeperSecurityKeys.SettingsOf(SourceZooCfg);

        var forward = files.RenderConfig(content, null, null, settings).Main;
        var backward = files.RenderConfig(content, null, null, settings.Reverse().ToDictionary()).Main;

        Assert.Equal(forward, backward);
        // Rendering the result again with the same settings changes nothing (a retried write is "unchanged").
        Assert.Equal(forward, files.RenderConfig(forward, null, null, settings).Main);
    }

    [Fact]
    public void Render_SourceNeedsQuorumTls_NoKeyStoreConfigured_RefusedWithOneLine()
    {
        var files = Files(new ZooKeeperSecurityOptions());

        var error = Assert.Throws<PreconditionFailedException>(() => files.RenderConfig($"dataDir={DataDir}\n", null, null, new Dictionary<string, string> { ["sslQuorum"] = "true" }));

        Assert.Equal(ZooCfgSecurity.PreconditionType, error.Type);
        Assert.Equal("ZooKeeper.Security.KeyStore", error.Subject);
        Assert.Contains("sslQuorum=true", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Render_SourceNeedsSasl_NoJaasFileConfigured_Refused()
    {
        var own = AllOwn;
        own.JaasFile = null;

        var error = Assert.Throws<PreconditionFailedException>(() => Files(own).RenderConfig($"dataDir={DataDir}\n", null, null,
            new Dictionary<string, string> { ["quorum.auth.enableSasl"] = "true" }));

        Assert.Equal("ZooKeeper.Security.JaasFile", error.Subject);
    }

    [Theory]
    [InlineData("dataDir")]
    [InlineData("server.9")]
    [InlineData("dynamicConfigFile")]
    public void Render_SourceSettingThatIsNotASecurityKey_RefusedNamingIt(string key)
    {
        var error = Assert.Throws<InvalidRequestException>(() => Files(AllOwn).RenderConfig($"dataDir={DataDir}\n", null, null, new Dictionary<string, string> { [key] = "/tmp/x" }));

        Assert.Equal($"source_security.{key}", error.Field);
    }

    [Fact]
    public void Render_ContentNamingAStoreOfTheCallersChoice_BecomesTheHostsOwn()
    {
        var planned = PropertiesText.Parse(Files(AllOwn).RenderConfig($"dataDir={DataDir}\nssl.quorum.keyStore.location=/etc/shadow\nssl.trustStore.passwordPath=/root/.ssh/id_rsa\n", null, null).Main);

        Assert.Equal(Own("server.pem"), planned.Get("ssl.quorum.keyStore.location"));
        Assert.Equal(Own("truststore.pw"), planned.Get("ssl.trustStore.passwordPath"));
    }

    [Fact]
    public void Render_ContentNamingAStore_NoOwnFileAndNotTheCurrentOne_Refused()
    {
        var error = Assert.Throws<InvalidRequestException>(() => Files(new ZooKeeperSecurityOptions()).RenderConfig($"dataDir={DataDir}\nssl.quorum.keyStore.location=/etc/shadow\n", null, null));

        Assert.Equal("content.ssl.quorum.keyStore.location", error.Field);
        Assert.Contains("ZooKeeper.Security.KeyStore", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_ContentKeepingTheStoreTheCurrentFileNames_Kept()
    {
        // The operator's own file, as the host's zoo.cfg names it today: a rewrite of the members keeps it.
        File.WriteAllText(ZooCfg, $"dataDir={DataDir}\nssl.quorum.keyStore.location=/etc/zookeeper/ssl/mine.pem\n");
        var files = Files(new ZooKeeperSecurityOptions());

        var planned = files.RenderConfig($"dataDir={DataDir}\nssl.quorum.keyStore.location=/etc/zookeeper/ssl/mine.pem\nserver.1=10.0.0.1:2888:3888\n", null, null).Main;

        Assert.Contains("ssl.quorum.keyStore.location=/etc/zookeeper/ssl/mine.pem", planned, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_InlinePassword_TheHostsPasswordFileTakesItsPlace()
    {
        var planned = Files(AllOwn).RenderConfig($"dataDir={DataDir}\nssl.quorum.keyStore.location={Own("server.pem")}\nssl.quorum.keyStore.password={Secret}\n", null, null).Main;

        Assert.DoesNotContain(Secret, planned, StringComparison.Ordinal);
        Assert.Contains($"ssl.quorum.keyStore.passwordPath={Own("keystore.pw")}", planned, StringComparison.Ordinal);
    }

    [Fact]
    public void Mask_InlinePasswords_ValueHiddenEveryOtherByteKept()
    {
        var text = $"# c\r\nssl.keyStore.password = {Secret}\r\nssl.quorum.trustStore.password:{Secret}x\r\nclientPort=2181";

        var masked = ZooKeeperSecurityKeys.Mask(text);

        Assert.DoesNotContain(Secret, masked, StringComparison.Ordinal);
        Assert.Equal($"# c\r\nssl.keyStore.password = {ZooKeeperSecurityKeys.MaskedValue}\r\nssl.quorum.trustStore.password:{ZooKeeperSecurityKeys.MaskedValue}\r\nclientPort=2181", masked);
    }

    [Fact]
    public void Render_PasswordWithAControlCharacter_RefusedWithoutShowingIt()
    {
        var error = Assert.Throws<InvalidRequestException>(() => Files(new ZooKeeperSecurityOptions()).RenderConfig(
            $"dataDir={DataDir}\nssl.keyStore.password={Secret}\tx\n", null, null));

        Assert.DoesNotContain(Secret, error.Message, StringComparison.Ordinal);
        Assert.Equal("content.ssl.keyStore.password", error.Field);
    }

    /// <summary>
    /// The JVM options file (<c>ZooKeeper.JvmOptionsFile</c>) must give the JVM this host's JAAS file when the source's
    /// settings need SASL (ZooKeeper reads it only from <c>java.security.auth.login.config</c>): absent, missing the
    /// option, or naming another file, the write is refused with a one-line reason saying what to add; naming it, the
    /// write goes through.
    /// </summary>
    [Theory]
    [InlineData(null, "does not exist")]
    [InlineData("SERVER_JVMFLAGS=\"-Xmx1g\"\n# -Djava.security.auth.login.config=OWN\n", "gives the JVM no JAAS file")]
    [InlineData("SERVER_JVMFLAGS=\"-Xmx1g -Djava.security.auth.login.config=/etc/other/jaas.conf\"\n", "not this host's ZooKeeper.Security.JaasFile")]
    [InlineData("SERVER_JVMFLAGS=\"-Djava.security.auth.login.config=OWN\"\nSERVER_JVMFLAGS=\"$SERVER_JVMFLAGS -Djava.security.auth.login.config=\"\n", "gives the JVM no JAAS file")]
    [InlineData("SERVER_JVMFLAGS=\"-Djava.security.auth.login.config.extra=OWN\"\n", "gives the JVM no JAAS file")]
    [InlineData("SERVER_JVMFLAGS=\"-Xmx1g -Djava.security.auth.login.config=OWN\"\n", null)]
    [InlineData("COMMAND=('java' '-Djava.security.auth.login.config=OWN' '-cp' 'x')\n", null)]
    public void Render_SourceNeedsSasl_JvmOptionsFileMustGiveTheHostsJaasFile(string? jvmOptions, string? refusal)
    {
        var jvmFile = Path.Combine(_directory.Path, "zookeeper.env");
        if (jvmOptions is not null)
        {
            File.WriteAllText(jvmFile, jvmOptions.Replace("OWN", AllOwn.JaasFile, StringComparison.Ordinal));
        }

        var files = Files(AllOwn, jvmFile);
        string Render() => files.RenderConfig($"dataDir={DataDir}\n", null, null, new Dictionary<string, string> { ["sessionRequireClientSASLAuth"] = "true" }).Main;

        if (refusal is null)
        {
            Assert.Contains("sessionRequireClientSASLAuth=true", Render(), StringComparison.Ordinal);
            return;
        }

        var error = Assert.Throws<PreconditionFailedException>(Render);
        Assert.Equal("ZooKeeper.JvmOptionsFile", error.Subject);
        Assert.Contains(refusal, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    private ZooKeeperFiles Files(ZooKeeperSecurityOptions own, string? jvmOptionsFile = null)
    {
        Directory.CreateDirectory(DataDir);
        var options = Options.Create(new AgentOptions
        {
            Role = AgentRoles.ZooKeeper,
            ZooKeeper = new ZooKeeperOptions { ConfigPath = ZooCfg, DataDir = DataDir, Security = own, JvmOptionsFile = jvmOptionsFile },
        });
        return new ZooKeeperFiles(new ZooKeeperPaths(options), new AtomicFileWriter(TimeProvider.System), new ZooCfgSecurity(options));
    }
}
