using ZkMitosis.Lab.Populate;

namespace ZkMitosis.Lab.Tests.Populate;

public sealed class LabPopulatorTests
{
    [Fact]
    public void Operations_KafkaTree_ParentsComeBeforeChildrenAndNoPathTwice()
    {
        var paths = LabPopulator.Operations("/kafka", topics: 2, partitionsPerTopic: 3, brokers: 3).Select(o => o.Path).ToList();

        Assert.Equal(paths.Count, paths.Distinct(StringComparer.Ordinal).Count());
        for (var i = 0; i < paths.Count; i++)
        {
            var parent = paths[i][..paths[i].LastIndexOf('/')];
            Assert.True(parent.Length == 0 || paths.IndexOf(parent) < i, $"{paths[i]} comes before its parent");
        }

        Assert.Contains("/kafka/cluster/id", paths);
        Assert.Contains("/kafka/controller_epoch", paths);
        Assert.Contains("/kafka/brokers/seqid", paths);
        Assert.Contains("/kafka/admin/delete_topics", paths);
        Assert.Contains("/kafka/config/topics/topic-1", paths);
        Assert.Contains("/kafka/brokers/topics/topic-1/partitions/2/state", paths);
        Assert.Contains("/other/writes", paths);
    }

    [Fact]
    public void Operations_ThreeBrokers_PartitionsReplicatedThreeWaysWithLeaderInIsr()
    {
        var state = LabPopulator.Operations("/kafka", 1, 1, 3).Single(o => o.Path == "/kafka/brokers/topics/topic-0/partitions/0/state");

        Assert.Equal("""{"controller_epoch":0,"leader":1,"version":1,"leader_epoch":0,"isr":[1,2,3]}""", System.Text.Encoding.UTF8.GetString(state.Data));
    }

    [Fact]
    public void Operations_Secure_AddsAScramCredentialShapedAsKafkaStoresIt()
    {
        var plain = LabPopulator.Operations("/kafka", 1, 1, 3).Select(o => o.Path).ToList();
        var secure = LabPopulator.Operations("/kafka", 1, 1, 3, secure: true);

        Assert.DoesNotContain("/kafka/config/users/alice", plain);
        Assert.Equal(plain, secure.Select(o => o.Path).Where(p => p != "/kafka/config/users/alice"));
        using var json = System.Text.Json.JsonDocument.Parse(secure.Single(o => o.Path == "/kafka/config/users/alice").Data);
        Assert.Equal(1, json.RootElement.GetProperty("version").GetInt32());
        Assert.Matches("^salt=[A-Za-z0-9+/=]+,stored_key=[A-Za-z0-9+/=]{44},server_key=[A-Za-z0-9+/=]{44},iterations=4096$", json.RootElement.GetProperty("config").GetProperty("SCRAM-SHA-256").GetString());
    }
}
