using System.Text.Json;
using ZkMitosis.Coordinator.Engine;
using ZkMitosis.Coordinator.Plans;
using ZkMitosis.Coordinator.Tests.Support;
using ZkMitosis.ZooKeeper.Config.ConnectStringFiles;

namespace ZkMitosis.Coordinator.Tests.Plans;

/// <summary>Issue 14: the tenants: list, its presets, and the kafka: shorthand compiled into the same model.</summary>
public sealed class TenantPlanTests
{
    private const string KafkaSection = "kafka:\n  brokers:\n    - { id: 1, agent: 10.250.7.21:7443 }\n    - { id: 2, agent: 10.250.7.22:7443 }\n    - { id: 3, agent: 10.250.7.23:7443 }\n";

    private const string KafkaAsTenant = "tenants:\n  - name: kafka\n    preset: kafka\n    chroot: /kafka\n    hosts:\n      - { id: 1, agent: 10.250.7.21:7443 }\n      - { id: 2, agent: 10.250.7.22:7443 }\n      - { id: 3, agent: 10.250.7.23:7443 }\n";

    private const string OtherTenants = """
          - name: search
            preset: solr
            chroot: /solr
            hosts:
              - { agent: 10.250.7.31:7443 }
              - { agent: 10.250.7.32:7443 }
          - name: olap
            preset: clickhouse
            chroot: /clickhouse
            hosts:
              - { agent: 10.250.7.41:7443 }
            health: { path: /tables/01/events/replicas }
          - name: hdfs
            preset: hadoop-ha
            chroot: /hadoop-ha
            moves: false
            hosts:
              - { agent: 10.250.7.51:7443 }
            health: { path: /mycluster, child: ActiveStandbyElectorLock }

        """;

    private static string WithTenants(string tenants) =>
        SamplePlans.Valid.Replace("chroot: /kafka\n", "", StringComparison.Ordinal).Replace(KafkaSection, tenants, StringComparison.Ordinal);

    [Fact]
    public void Load_KafkaShorthandAndItsTenant_CompileToTheSamePlanAndSteps()
    {
        var shorthand = PlanLoader.Load(SamplePlans.Valid);
        var tenant = PlanLoader.Load(WithTenants(KafkaAsTenant));

        Assert.Equal(JsonSerializer.Serialize(shorthand with { Sha256 = "" }), JsonSerializer.Serialize(tenant with { Sha256 = "" }));
        Assert.Equal(JsonSerializer.Serialize(StepList.Compile(shorthand)), JsonSerializer.Serialize(StepList.Compile(tenant)));
        var kafka = Assert.Single(tenant.Tenants);
        Assert.Equal(TenantPreset.Kafka, kafka.Preset);
        Assert.Null(kafka.Connect.ConfigId);
        Assert.Equal(new TenantHealth("/brokers/ids", 3, null, true), kafka.Health);
        Assert.Equal(["switch-broker-1", "switch-broker-2", "switch-broker-3"], StepList.Compile(tenant).Select(s => s.Id).Where(id => id.StartsWith("switch-", StringComparison.Ordinal)));
    }

    [Fact]
    public void Load_KafkaShorthandMixedWithTenants_EachMovedTenantSwitchedInOrderBeforeThePointOfNoReturn()
    {
        var plan = PlanLoader.Load(SamplePlans.Valid.Replace(KafkaSection, KafkaSection + "tenants:\n" + OtherTenants, StringComparison.Ordinal));

        Assert.Equal(["kafka", "search", "olap", "hdfs"], plan.Tenants.Select(t => t.Name));
        Assert.Equal("/kafka", plan.Chroot);
        Assert.Equal([1, 2, 3], plan.Brokers.Select(b => b.Id));
        var ids = StepList.Compile(plan).Select(s => s.Id).ToList();
        var switches = ids.Where(id => id.StartsWith("switch-", StringComparison.Ordinal)).ToList();
        Assert.Equal(["switch-broker-1", "switch-broker-2", "switch-broker-3", "switch-search-1", "switch-search-2", "switch-olap-1"], switches);
        Assert.Equal(ids.IndexOf("switch-olap-1") + 1, ids.IndexOf("point-of-no-return"));
        Assert.DoesNotContain(plan.AgentAddresses, a => a == "10.250.7.51:7443");
    }

    [Fact]
    public void Load_Presets_FillWhereTheConnectStringLivesAndTheHealthGate()
    {
        var plan = PlanLoader.Load(WithTenants("tenants:\n" + OtherTenants));
        var solr = plan.Tenants.Single(t => t.Name == "search");
        var olap = plan.Tenants.Single(t => t.Name == "olap");
        var hdfs = plan.Tenants.Single(t => t.Name == "hdfs");

        Assert.Equal(new TenantConnect("solr", new ConnectStringLocation(ConnectStringFormat.ShellEnv, "ZK_HOST"), true), solr.Connect);
        Assert.Equal(new TenantHealth("/live_nodes", 2, null, false), solr.Health);
        Assert.Equal("10.250.7.14:2181,10.250.7.15:2181,10.250.7.16:2181/solr", solr.ConnectFor(plan.Destination));
        Assert.Equal(new TenantHealth("/tables/01/events/replicas", 1, "is_active", false), olap.Health);
        Assert.Equal(ConnectStringFormat.ClickHouseXml, olap.Connect.Location.Format);

        // ZKFC keeps its parent znode in ha.zookeeper.parent-znode: the quorum is written without the chroot.
        Assert.Equal("10.250.7.14:2181,10.250.7.15:2181,10.250.7.16:2181", hdfs.ConnectFor(plan.Destination));
        Assert.Equal(1, hdfs.Health.Count);
        Assert.False(hdfs.Moves);
        Assert.Equal("/solr", plan.Chroot);
    }

    [Fact]
    public void Load_HBase_ChrootTravelsToTheParentProperty()
    {
        var plan = PlanLoader.Load(WithTenants("tenants:\n  - name: hbase\n    preset: hbase\n    chroot: /hbase\n    hosts: [ { agent: 10.250.7.31:7443 } ]\n"));
        var hbase = Assert.Single(plan.Tenants);

        Assert.Equal(new ConnectStringLocation(ConnectStringFormat.HadoopXml, "hbase.zookeeper.quorum", "hbase.zookeeper.property.clientPort", "zookeeper.znode.parent"), hbase.Connect.Location);
        Assert.Equal("10.250.7.14:2181,10.250.7.15:2181,10.250.7.16:2181/hbase", hbase.ConnectFor(plan.Destination));
        Assert.Equal("/rs", hbase.Health.RegistrationPath);
    }

    [Fact]
    public void Load_GenericTenant_TakesEveryOverride()
    {
        var plan = PlanLoader.Load(WithTenants("""
            tenants:
              - name: druid
                preset: generic
                chroot: /druid
                hosts: [ { agent: 10.250.7.31:7443 } ]
                connect: { configId: druid, format: properties, key: druid.zk.service.host, chrootInConnect: false }
                health: { path: /announcements, count: 1 }

            """));
        var druid = Assert.Single(plan.Tenants);

        Assert.Equal(new TenantConnect("druid", new ConnectStringLocation(ConnectStringFormat.Properties, "druid.zk.service.host"), false), druid.Connect);
        Assert.Equal(new TenantHealth("/announcements", 1, null, false), druid.Health);
    }

    public static TheoryData<string, string, string> InvalidTenants => new()
    {
        { "unknown preset", "preset: solr", "tenants[0].preset" },
        { "overlapping chroots", "chroot: /clickhouse", "tenants[1].chroot" },
        { "shared agent", "10.250.7.41:7443", "tenants[1].hosts[0].agent" },
        { "duplicate name", "name: olap", "tenants[1].name" },
        { "bad health path", "health: { path: /tables/01/events/replicas }", "tenants[1].health.path" },
    };

    [Theory]
    [MemberData(nameof(InvalidTenants))]
    public void Load_InvalidTenant_RefusedWithItsFieldPath(string name, string find, string field)
    {
        var replacement = name switch
        {
            "unknown preset" => "preset: elasticsearch",
            "overlapping chroots" => "chroot: /solr/clickhouse",
            "shared agent" => "10.250.7.31:7443",
            "duplicate name" => "name: search",
            _ => "health: { path: tables }",
        };
        var text = WithTenants("tenants:\n" + OtherTenants);
        var at = text.IndexOf(find, StringComparison.Ordinal);

        var error = Assert.Throws<InvalidPlanException>(() => PlanLoader.Load(text[..at] + replacement + text[(at + find.Length)..]));

        Assert.Contains(error.Problems, p => p.Path == field);
    }

    [Fact]
    public void Load_GenericWithoutConnect_Refused()
    {
        var error = Assert.Throws<InvalidPlanException>(() => PlanLoader.Load(WithTenants("tenants:\n  - name: x1\n    preset: generic\n    chroot: /x\n    hosts: [ { agent: 10.250.7.31:7443 } ]\n")));

        Assert.Contains(error.Problems, p => p.Path == "tenants[0].connect");
        Assert.Contains(error.Problems, p => p.Path == "tenants[0].health");
    }

    [Fact]
    public void Load_NeitherKafkaNorTenants_Refused()
    {
        var error = Assert.Throws<InvalidPlanException>(() => PlanLoader.Load(WithTenants("")));

        Assert.Contains(error.Problems, p => p.Path == "tenants");
    }
}
