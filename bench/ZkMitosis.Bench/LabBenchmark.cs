namespace ZkMitosis.Bench;

/// <summary>`./zkm bench lab`.</summary>
internal static class LabBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        await Console.Error.WriteLineAsync("not built yet");
        return 2;
    }
}
