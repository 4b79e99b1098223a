using ZkMitosis.Bench;

// ./zkm bench NAME: each benchmark writes its own section of docs/benchmarks.md.
var benchmarks = new Dictionary<string, Func<string[], Task<int>>>(StringComparer.Ordinal)
{
    ["client"] = ClientBenchmark.RunAsync,
    ["copy"] = CopyBenchmark.RunAsync,
    ["agent"] = AgentBenchmark.RunAsync,
    ["lab"] = LabBenchmark.RunAsync,
    ["migrate"] = MigrateBenchmark.RunAsync,
    ["copy-strategy"] = CopyStrategyBenchmark.RunAsync,
};
if (args.Length == 0 || !benchmarks.TryGetValue(args[0], out var run))
{
    await Console.Error.WriteLineAsync($"usage: ./zkm bench {string.Join('|', benchmarks.Keys)} [options]");
    return 2;
}

return await run(args[1..]);
