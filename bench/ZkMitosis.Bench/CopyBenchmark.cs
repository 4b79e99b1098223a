namespace ZkMitosis.Bench;

/// <summary>`./zkm bench copy`.</summary>
internal static class CopyBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        await Console.Error.WriteLineAsync("not built yet");
        return 2;
    }
}
