using ZkMitosis.Coordinator.Stress;

namespace ZkMitosis.Coordinator.Tests.Stress;

public sealed class StressJsonTests
{
    [Fact]
    public void DeserializeResult_SerializedResult_RoundTrips()
    {
        var result = new StressResult
        {
            ConnectString = "127.0.0.1:2181,127.0.0.1:2182/kafka",
            Chroot = "/kafka",
            RunPath = "/zkmitosis-stress/run-1",
            StartedAt = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000),
            StoppedAt = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_060_000),
            Sessions =
            [
                new StressSessionResult
                {
                    Index = 0, WritesPath = "/zkmitosis-stress/run-1/s000", EphemeralPath = "/zkmitosis-stress/run-1/ephemerals/s000",
                    LastAcknowledgedSerial = 1234, Expiries = 1, LongestGapMs = 850, LongestGapEndedAt = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_030_000),
                    RetriedWrites = 7, SessionIds = [0x1234, 0x5678], EphemeralHeldAtStop = true, LastError = "ConnectionLoss",
                },
            ],
        };

        var json = StressJson.Serialize(result);
        var back = StressJson.DeserializeResult(json);

        Assert.Equal(result.ConnectString, back.ConnectString);
        Assert.Equal(result.Chroot, back.Chroot);
        Assert.Equal(result.RunPath, back.RunPath);
        Assert.Equal(result.StartedAt, back.StartedAt);
        Assert.Equal(result.StoppedAt, back.StoppedAt);
        var session = Assert.Single(back.Sessions);
        Assert.Equal(result.Sessions[0] with { SessionIds = session.SessionIds }, session);
        Assert.Equal([0x1234L, 0x5678L], session.SessionIds);
        Assert.Equal(1234, back.AcknowledgedWrites);
        Assert.Equal(850, back.LongestGapMs);
        Assert.Contains("\"lastAcknowledgedSerial\": 1234", json, StringComparison.Ordinal);
    }

    [Fact]
    public void DeserializeResult_NotAResult_ThrowsJsonException()
    {
        Assert.ThrowsAny<System.Text.Json.JsonException>(() => StressJson.DeserializeResult("null"));
        Assert.ThrowsAny<System.Text.Json.JsonException>(() => StressJson.DeserializeResult("{\"connectString\": 5}"));
    }

    [Fact]
    public void WritePath_Serial_IsZeroPaddedToTenDigits()
    {
        var session = new StressSessionResult
        {
            Index = 3,
            WritesPath = "/s/run/s003",
            EphemeralPath = "/s/run/ephemerals/s003",
            LastAcknowledgedSerial = 0,
            Expiries = 0,
            LongestGapMs = 0,
            RetriedWrites = 0,
            SessionIds = [],
            EphemeralHeldAtStop = false,
        };

        Assert.Equal("/s/run/s003/w0000000042", session.WritePath(42));
    }
}
