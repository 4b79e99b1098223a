using Google.Protobuf;
using ZkMitosis.Agent.V1;

namespace ZkMitosis.Coordinator.Agents;

/// <summary>Typed results read back from an agent's recorded response (GetOperation's proto3 JSON).</summary>
public static class AgentResponses
{
    private static readonly JsonParser Parser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(true));

    /// <summary>When a fired barrier's action started, from a recorded FireBarrierResponse; null when absent or unreadable.</summary>
    public static BarrierFired? BarrierFired(string? responseJson)
    {
        if (string.IsNullOrEmpty(responseJson))
        {
            return null;
        }

        try
        {
            var response = Parser.Parse<FireBarrierResponse>(responseJson);
            return response.StartedAt is null ? null : new BarrierFired(response.StartedAt.ToDateTimeOffset(), response.StartedMonotonicNs);
        }
        catch (InvalidProtocolBufferException)
        {
            return null;
        }
        catch (InvalidJsonException)
        {
            return null;
        }
    }
}
