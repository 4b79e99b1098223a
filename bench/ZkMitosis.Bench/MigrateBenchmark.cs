namespace ZkMitosis.Bench;

/// <summary>`./zkm bench migrate`.</summary>
internal static class MigrateBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        await Console.Error.WriteLineAsync("not built yet");
        return 2;
    }
}
