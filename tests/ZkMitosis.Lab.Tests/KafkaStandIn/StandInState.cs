using ZkMitosis.Lab.Hosts;

namespace ZkMitosis.Lab.Tests.KafkaStandIn;

/// <summary>Waits on a stand-in's (or the tenant writer's) state file, bounded.</summary>
internal static class StandInState
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    /// <summary>Polls the state file at <paramref name="path"/> until <paramref name="condition"/> holds; fails naming the last state.</summary>
    public static async Task<StandInStateSnapshot> WaitForAsync(string path, Func<StandInStateSnapshot, bool> condition)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (true)
        {
            var state = StandInStateReader.TryRead(path);
            if (state is not null && condition(state))
            {
                return state;
            }

            Assert.True(DateTime.UtcNow < deadline, $"stand-in state at {path} did not reach the expected condition within {Timeout.TotalSeconds:0} s; last: {state}");
            await Task.Delay(100);
        }
    }
}
