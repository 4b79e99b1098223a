namespace ZkMitosis.Bench;

/// <summary>`./zkm bench client`.</summary>
internal static class ClientBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        await Console.Error.WriteLineAsync("not built yet");
        return 2;
    }
}
