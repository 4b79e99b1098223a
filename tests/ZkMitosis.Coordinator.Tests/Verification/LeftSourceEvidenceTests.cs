using ZkMitosis.Coordinator.Verification;

namespace ZkMitosis.Coordinator.Tests.Verification;

public sealed class LeftSourceEvidenceTests
{
    private static readonly HashSet<int> Destination = [4, 5, 6];

    [Theory]
    [InlineData(0x0500_0123_4567_0001L, 5)]
    [InlineData(0x0100_0000_0000_0042L, 1)]
    [InlineData(unchecked((long)0xFF00_0000_0000_0001UL), 255)]
    [InlineData(unchecked((long)0x8100_1234_0000_0000UL), 129)]
    public void ServerIdOf_SessionId_IsItsTopByte(long sessionId, int server)
    {
        Assert.Equal(server, LeftSourceEvidence.ServerIdOf(sessionId));
    }

    [Fact]
    public void Judge_OwnerCreatedOnADestinationServer_IsProof()
    {
        var evidence = LeftSourceEvidence.Judge("kafka", "broker 1 (10.0.0.21)", "/kafka/brokers/ids/1", 0x0600_0abc_def0_0001L, Destination);

        Assert.True(evidence.OnDestination);
        Assert.Equal(6, evidence.EstablishedOn);
        Assert.Equal("broker 1 (10.0.0.21): /kafka/brokers/ids/1 owned by session 0x06000abcdef00001, established on destination server 6", evidence.Describe());
    }

    [Theory]
    [InlineData(0x0200_0abc_def0_0001L, 2)]
    [InlineData(0x0000_0000_0000_7001L, 0)]
    public void Judge_OwnerCreatedElsewhere_IsNoProof(long owner, int server)
    {
        var evidence = LeftSourceEvidence.Judge("kafka", "broker 1", "/kafka/brokers/ids/1", owner, Destination);

        Assert.False(evidence.OnDestination);
        Assert.Equal(server, evidence.EstablishedOn);
        Assert.Contains($"non-destination server {server}", evidence.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void Judge_NoRegistration_IsNoProof()
    {
        var evidence = LeftSourceEvidence.Judge("kafka", "broker 2", "/kafka/brokers/ids/2", null, Destination);

        Assert.False(evidence.OnDestination);
        Assert.Equal("broker 2: /kafka/brokers/ids/2 is not registered", evidence.Describe());
    }
}
