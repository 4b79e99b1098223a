namespace ZkMitosis.Bench;

/// <summary>`./zkm bench agent`.</summary>
internal static class AgentBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        await Console.Error.WriteLineAsync("not built yet");
        return 2;
    }
}
