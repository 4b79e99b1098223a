using System.Text.Json.Nodes;
using AgentTlsSettings = ZkMitosis.Coordinator.Agents.AgentTlsSettings;

namespace ZkMitosis.Agent.Tests.Support;

/// <summary>
/// One real agent process that a test kills (SIGKILL, <see cref="AgentProcess.DisposeAsync"/>) and starts again on the
/// same state directory, with its insecure lab channel; for the tests of what an agent keeps across its restarts.
/// </summary>
internal sealed class RestartableAgent(string directory) : IAsyncDisposable
{
    private AgentProcess? _agent;
    private global::Grpc.Net.Client.GrpcChannel? _channel;

    /// <summary>A client on the running agent's channel.</summary>
    /// <exception cref="InvalidOperationException">the agent is not started.</exception>
    public ZkMitosis.Agent.V1.Agent.AgentClient Client => new(_channel ?? throw new InvalidOperationException("the agent is not started"));

    /// <summary>Starts the agent with <paramref name="config"/> (in <paramref name="networkNamespace"/> when given).</summary>
    public async Task StartAsync(JsonObject config, string? networkNamespace = null)
    {
        _agent = await AgentProcess.StartAsync(config, directory, networkNamespace);
        _channel = _agent.Connect(AgentTlsSettings.InsecureLab).Channel;
    }

    /// <summary>Closes the channel and ends the agent process; a no-op when it is not running.</summary>
    public async Task StopAsync()
    {
        _channel?.Dispose();
        _channel = null;
        if (_agent is not null)
        {
            await _agent.DisposeAsync();
            _agent = null;
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
