using ZkMitosis.Agent.Hosting;

// zkmitosis-agent --config /etc/zkmitosis/agent.json
// A bad config stops the agent before anything listens, with every problem named (exit code 2).
var configPath = AgentConfiguration.ConfigPath(args);
try
{
    var configuration = AgentConfiguration.Load(configPath);
    var options = AgentConfiguration.BindAndValidate(configuration, configPath);
    var app = AgentHost.Build(args, configPath, configuration, options);
    await app.RunAsync();
    return 0;
}
catch (AgentConfigurationException e)
{
    await Console.Error.WriteLineAsync($"zkmitosis-agent: {e.Message}");
    return 2;
}
catch (System.Security.Cryptography.CryptographicException e)
{
    await Console.Error.WriteLineAsync($"zkmitosis-agent: {configPath}: TLS material could not be loaded: {e.Message}");
    return 2;
}
catch (IOException e) when (e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
{
    await Console.Error.WriteLineAsync($"zkmitosis-agent: {e.Message}");
    return 3;
}
