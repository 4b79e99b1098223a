using ZkMitosis.Agent.Configuration;
using ZkMitosis.Agent.Files;
using ZkMitosis.Agent.Processes;

namespace ZkMitosis.Agent.Services;

/// <summary>The backend that drives a managed service, as configured.</summary>
public sealed class ServiceBackendFactory
{
    private readonly AgentOptions _options;
    private readonly ICommandRunner _runner;

    public ServiceBackendFactory(Microsoft.Extensions.Options.IOptions<AgentOptions> options, ICommandRunner runner)
    {
        _options = options.Value;
        _runner = runner;
    }

    /// <exception cref="InvalidRequestException">this host does not manage <paramref name="service"/> with the configured backend.</exception>
    public IServiceBackend For(ManagedService service)
    {
        var timeout = TimeSpan.FromMilliseconds(_options.Service.CommandTimeoutMs);
        if (_options.Service.Backend == ServiceBackends.Systemd)
        {
            return new SystemdServiceBackend(service == ManagedService.Kafka ? _options.Service.KafkaUnit : _options.Service.ZooKeeperUnit, _runner, timeout);
        }

        var commands = service == ManagedService.Kafka ? _options.Service.KafkaCommands : _options.Service.ZooKeeperCommands;
        if (commands?.Start is null || commands.Stop is null || commands.Status is null)
        {
            throw new InvalidRequestException("service", $"no commands are configured for {service} on this host (Service.{service}Commands)");
        }

        return new CommandServiceBackend(commands, _runner, timeout);
    }
}
