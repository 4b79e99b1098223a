using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using ZkMitosis.Agent.V1;

namespace ZkMitosis.Agent.Grpc;

/// <summary>
/// What an operation means, independent of the call that carries it: the request without its MutationContext and
/// without per-call preconditions (expected_sha256, expected_dynamic_sha256). A retry after a resume sends a fresh
/// precondition (the sha it read again) for the same effect; that is the same operation, not a conflict.
/// </summary>
public static class OperationIntent
{
    /// <summary>Lower-case hex sha256 of the method name and the request's intent.</summary>
    /// <exception cref="ArgumentException">a request type this class does not know (a new mutating RPC must be added here).</exception>
    public static string Digest(string method, IMessage request)
    {
        var intent = Strip(request);
        var bytes = Encoding.UTF8.GetBytes(method + "\n").Concat(intent.ToByteArray()).ToArray();
        return Convert.ToHexStringLower(SHA256.HashData(bytes));
    }

    /// <summary>A map's wire order is the sender's insertion order; the same map is the same intent in any order.</summary>
    private static void Sort(Google.Protobuf.Collections.MapField<string, string> map)
    {
        var sorted = map.OrderBy(e => e.Key, StringComparer.Ordinal).ToList();
        map.Clear();
        foreach (var (key, value) in sorted)
        {
            map[key] = value;
        }
    }

    private static IMessage Strip(IMessage request)
    {
        switch (request)
        {
            case WriteZooConfigRequest r:
                var config = r.Clone();
                config.Context = null;
                config.ExpectedSha256 = "";
                config.ExpectedDynamicSha256 = "";
                Sort(config.SourceSecurity);
                if (config.Edit is { } edit)
                {
                    Sort(edit.Set);
                }

                return config;
            case WriteMyIdRequest r:
                var myId = r.Clone();
                myId.Context = null;
                myId.ExpectedSha256 = "";
                return myId;
            case SetKafkaZookeeperConnectRequest r:
                var kafka = r.Clone();
                kafka.Context = null;
                kafka.ExpectedSha256 = "";
                return kafka;
            case ResetDataDirRequest r:
                var reset = r.Clone();
                reset.Context = null;
                return reset;
            case ControlServiceRequest r:
                var control = r.Clone();
                control.Context = null;
                return control;
            case IsolateRequest r:
                var isolate = r.Clone();
                isolate.Context = null;
                return isolate;
            case HealRequest r:
                var heal = r.Clone();
                heal.Context = null;
                return heal;
            case ArmBarrierRequest r:
                // The inner request's context is ignored by the agent (agent.proto), so it is no part of the intent.
                var arm = r.Clone();
                arm.Context = null;
                if (arm.Action?.ControlService is { } inner)
                {
                    inner.Context = null;
                }
                else if (arm.Action?.Isolate is { } isolateInner)
                {
                    isolateInner.Context = null;
                }
                else if (arm.Action?.Heal is { } healInner)
                {
                    healInner.Context = null;
                }

                return arm;
            case FireBarrierRequest r:
                var fire = r.Clone();
                fire.Context = null;
                return fire;
            case CancelBarrierRequest r:
                var cancel = r.Clone();
                cancel.Context = null;
                return cancel;
            default:
                throw new ArgumentException($"{request.Descriptor.FullName} is not a mutating request", nameof(request));
        }
    }
}
