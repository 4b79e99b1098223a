using System.Diagnostics;
using ZkMitosis.Lab.Manifest;

namespace ZkMitosis.Lab;

/// <summary>The parts of <c>lab up</c> after the source ensemble serves: agents, populate, tenant writer, stand-ins, plan.</summary>
internal static class LabServices
{
    public static Task<Lab> StartRestAsync(Lab lab, LabSpec spec, Stopwatch stopwatch, CancellationToken cancellationToken)
    {
        if (spec.Agents || spec.Populate || spec.Brokers > 0)
        {
            throw new LabException("agents, the populated tree and broker stand-ins are not in this build yet: use Agents=false, Populate=false, Brokers=0");
        }

        _ = stopwatch;
        _ = cancellationToken;
        _ = lab.Manifest.HostsWithRole(LabHostRole.Broker);
        return Task.FromResult(lab);
    }
}
