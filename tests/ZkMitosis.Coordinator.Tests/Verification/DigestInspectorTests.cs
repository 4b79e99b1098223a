using System.Runtime.Versioning;
using System.Text;
using ZkMitosis.Coordinator.Plans;
using ZkMitosis.Coordinator.Security;
using ZkMitosis.Coordinator.Verification;
using ZkMitosis.Testing;
using ZkMitosis.ZooKeeper;

namespace ZkMitosis.Coordinator.Tests.Verification;

/// <summary>
/// A plan's <c>clientAuth</c> with <c>scheme: digest</c>: the inspector adds the file's user with <c>addauth digest</c>
/// and reads a chroot only that digest user may read, on a real plain ZooKeeper; an anonymous plan is refused by the ACL
/// in one line.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class DigestInspectorTests(StandaloneZooKeeperFixture server) : IClassFixture<StandaloneZooKeeperFixture>, IDisposable
{
    private const string Password = "digest-Inspector-S3cret";

    private readonly TestDirectory _directory = new("digest-inspector");

    public void Dispose() => _directory.Dispose();

    private async Task<string> CreateDigestOnlyChrootAsync()
    {
        var chroot = $"/tenant-{Guid.NewGuid():N}";
        ZooKeeperAcl[] owner = [ZooKeeperAcl.Digest("tenant", Password, ZooKeeperPermissions.All)];
        await using var client = await ZooKeeperClient.ConnectAsync(server.ConnectString);
        await client.CreateAsync(chroot, ReadOnlyMemory<byte>.Empty, acl: owner);
        await client.AddAuthAsync("digest", Encoding.UTF8.GetBytes($"tenant:{Password}"));
        await client.CreateAsync(chroot + "/config", Encoding.UTF8.GetBytes("secret"), acl: owner);
        return chroot;
    }

    private MigrationPlan Plan(bool digest)
    {
        var credentials = Path.Combine(_directory.Path, "tenant.credentials");
        File.WriteAllText(credentials, $"username=tenant\npassword={Password}\n");
        File.SetUnixFileMode(credentials, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var port = server.ConnectString.Split(':')[1];
        var security = digest ? $"  security:\n    clientAuth: {{ scheme: digest, credentials: {credentials} }}\n" : "";
        return PlanLoader.Load($$"""
            planId: digest-inspector
            chroot: /kafka
            source:
            {{security}}  servers:
                - { id: 1, host: 127.0.0.1, clientPort: {{port}}, quorumPort: {{FreePorts.Next()}}, electionPort: {{FreePorts.Next()}}, agent: 127.0.0.1:7443 }
            destination:
              servers:
                - { id: 4, host: 127.0.0.2, clientPort: 2181, quorumPort: 2888, electionPort: 3888, agent: 127.0.0.2:7443 }
            kafka:
              brokers:
                - { id: 1, agent: 127.0.0.3:7443 }
            tls:
              insecure: true
            """);
    }

    [Fact]
    public async Task A_digest_plan_reads_a_chroot_only_its_digest_user_may_read()
    {
        var chroot = await CreateDigestOnlyChrootAsync();
        var plan = Plan(digest: true);

        var snapshot = await new ZooKeeperClusterInspector { Plan = plan }.SnapshotAsync(plan.Source, chroot, default);

        Assert.Equal([chroot, chroot + "/config"], snapshot.Nodes.Keys);
    }

    [Fact]
    public async Task An_anonymous_plan_is_refused_by_the_ACL_in_one_line()
    {
        var chroot = await CreateDigestOnlyChrootAsync();
        var plan = Plan(digest: false);

        var error = await Assert.ThrowsAsync<EnsembleAccessException>(() => new ZooKeeperClusterInspector { Plan = plan }.SnapshotAsync(plan.Source, chroot, default));

        Assert.DoesNotContain('\n', error.Message);
        Assert.Contains("NoAuth", error.Message, StringComparison.Ordinal);
        Assert.Contains("the ACL does not let an anonymous session read it", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, error.ToString(), StringComparison.Ordinal);
    }
}
