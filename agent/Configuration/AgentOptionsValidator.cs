using Microsoft.Extensions.Options;

namespace ZkMitosis.Agent.Configuration;

/// <summary>Range and required checks generated from the attributes on <see cref="AgentOptions"/>.</summary>
[OptionsValidator]
public sealed partial class AgentOptionsAttributeValidator : IValidateOptions<AgentOptions>;

/// <summary>
/// The rules that span fields (a backend and its settings, TLS unless insecure). Collects every problem instead of
/// stopping at the first, each naming its field.
/// </summary>
public sealed class AgentOptionsValidator : IValidateOptions<AgentOptions>
{
    public ValidateOptionsResult Validate(string? name, AgentOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (!options.IsZooKeeper && !options.IsKafka)
        {
            failures.Add($"Role: '{options.Role}' is not a role; use '{AgentRoles.ZooKeeper}' or '{AgentRoles.Kafka}'.");
        }

        if (!System.Net.IPAddress.TryParse(options.ListenAddress, out _))
        {
            failures.Add($"ListenAddress: '{options.ListenAddress}' is not an IP address.");
        }

        if (options.MonitoringPort != 0 && !System.Net.IPAddress.TryParse(options.MonitoringAddress, out _))
        {
            failures.Add($"MonitoringAddress: '{options.MonitoringAddress}' is not an IP address.");
        }

        if (options.MonitoringPort != 0 && options.MonitoringPort == options.ListenPort)
        {
            failures.Add($"MonitoringPort: {options.MonitoringPort} is also ListenPort; monitoring needs its own port.");
        }

        foreach (var address in options.Addresses)
        {
            if (string.IsNullOrWhiteSpace(address))
            {
                failures.Add("Addresses: an entry is empty.");
            }
        }

        if (!options.Insecure)
        {
            RequireFile(failures, "Tls.CertificatePath", options.Tls.CertificatePath);
            RequireFile(failures, "Tls.KeyPath", options.Tls.KeyPath);
            RequireFile(failures, "Tls.ClientCaPath", options.Tls.ClientCaPath);
        }

        if (options.IsZooKeeper && string.IsNullOrWhiteSpace(options.ZooKeeper.ConfigPath))
        {
            failures.Add("ZooKeeper.ConfigPath: required for role 'zookeeper'.");
        }

        if (options.IsZooKeeper)
        {
            ZooKeeperPathsValidator.Validate(options.ZooKeeper, failures);
            AgentTlsFilesValidator.Validate(options.ZooKeeper.Security, failures);
        }

        if (options.IsKafka && string.IsNullOrWhiteSpace(options.Kafka.ServerPropertiesPath))
        {
            failures.Add("Kafka.ServerPropertiesPath: required for role 'kafka'.");
        }

        foreach (var (id, path) in options.TenantConfigFiles)
        {
            if (!TenantConfig.TenantConfigFile.IdPattern().IsMatch(id))
            {
                failures.Add($"TenantConfigFiles: id '{id}' is not 1-64 letters, digits and '._-'.");
            }
            else if (!options.IsKafka)
            {
                failures.Add($"TenantConfigFiles.{id}: only for role '{AgentRoles.Kafka}' (the tenant host role).");
            }
            else if (string.IsNullOrWhiteSpace(path) || !Path.IsPathFullyQualified(path) || path.Any(char.IsControl))
            {
                failures.Add($"TenantConfigFiles.{id}: '{path}' is not an absolute path.");
            }
        }

        if (options.ZooKeeper.AdminServerUrl is { Length: > 0 } admin && !Uri.TryCreate(admin, UriKind.Absolute, out _))
        {
            failures.Add($"ZooKeeper.AdminServerUrl: '{admin}' is not an absolute URL.");
        }

        switch (options.Service.Backend)
        {
            case ServiceBackends.Systemd:
                break;
            case ServiceBackends.Command:
                var (field, commands) = options.IsKafka
                    ? ("Service.KafkaCommands", options.Service.KafkaCommands)
                    : ("Service.ZooKeeperCommands", options.Service.ZooKeeperCommands);
                if (commands is null)
                {
                    failures.Add($"{field}: required with Service.Backend 'command'.");
                }
                else
                {
                    RequireText(failures, field + ".Start", commands.Start);
                    RequireText(failures, field + ".Stop", commands.Stop);
                    RequireText(failures, field + ".Status", commands.Status);
                }

                break;
            default:
                failures.Add($"Service.Backend: '{options.Service.Backend}' is not a backend; use '{ServiceBackends.Systemd}' or '{ServiceBackends.Command}'.");
                break;
        }

        if (options.Firewall.Backend is not ("auto" or "iptables" or "nftables"))
        {
            failures.Add($"Firewall.Backend: '{options.Firewall.Backend}' is not a backend; use 'auto', 'iptables' or 'nftables'.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void RequireText(List<string> failures, string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            failures.Add($"{field}: required.");
        }
    }

    private static void RequireFile(List<string> failures, string field, string? path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            failures.Add($"{field}: required unless Insecure is true.");
        }
        else if (!File.Exists(path))
        {
            failures.Add($"{field}: '{path}' does not exist.");
        }
    }
}
