using Grpc.Core;
using ZkMitosis.Agent.Files;
using ZkMitosis.Agent.Kafka;
using ZkMitosis.Agent.TenantConfig;
using ZkMitosis.Agent.V1;
using ZkMitosis.ZooKeeper.Config;

namespace ZkMitosis.Agent.Grpc;

/// <summary>RenderPlannedFiles: what the writes would leave, from the writes' own rendering; nothing is written.</summary>
public sealed partial class AgentService
{
    public override async Task<RenderPlannedFilesResponse> RenderPlannedFiles(RenderPlannedFilesRequest request, ServerCallContext context)
    {
        var response = new RenderPlannedFilesResponse();
        var cancellationToken = context.CancellationToken;
        if (request.HasZooCfgContent)
        {
            RequireZooKeeper();
            var planned = _files.RenderConfig(request.ZooCfgContent, edit: null, dynamicContent: null, request.SourceSecurity);
            // migrate check prints this as a diff: inline passwords are masked on both sides.
            var zooCfg = await PlannedAsync(ZooKeeperFiles.ZooCfgKind, _files.ConfigPath, planned.Main, cancellationToken).ConfigureAwait(false);
            zooCfg.CurrentContent = ZooKeeperSecurityKeys.Mask(zooCfg.CurrentContent);
            zooCfg.PlannedContent = ZooKeeperSecurityKeys.Mask(zooCfg.PlannedContent);
            response.Files.Add(zooCfg);
            if (planned.DynamicPath is not null)
            {
                response.Files.Add(await PlannedAsync(ZooKeeperFiles.DynamicKind, planned.DynamicPath, planned.Dynamic!, cancellationToken).ConfigureAwait(false));
            }
        }

        if (request.HasServerId)
        {
            RequireZooKeeper();
            response.Files.Add(await PlannedAsync(ZooKeeperFiles.MyIdKind, _files.MyIdPath, ZooKeeperFiles.RenderMyId(request.ServerId), cancellationToken).ConfigureAwait(false));
        }

        if (request.HasKafkaZookeeperConnect && TenantConfigFile.Resolve(request.TenantConfig, _options) is { } tenant)
        {
            RequireKafka();
            // The same read-and-edit as SetKafkaZookeeperConnect with this tenant_config, without the write.
            var edited = await tenant.EditAsync(request.KafkaZookeeperConnect, cancellationToken).ConfigureAwait(false);
            response.Files.Add(await PlannedAsync(tenant.Id, tenant.Path, edited, cancellationToken).ConfigureAwait(false));
        }
        else if (request.HasKafkaZookeeperConnect)
        {
            RequireKafka();
            KafkaServerProperties.Validate(request.KafkaZookeeperConnect);
            var path = _options.Kafka.ServerPropertiesPath;
            if (!File.Exists(path))
            {
                throw new PreconditionFailedException("CONFIG", path, $"{path} does not exist (Kafka.ServerPropertiesPath).");
            }

            var current = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
            response.Files.Add(await PlannedAsync("server.properties", path, KafkaServerProperties.WithZookeeperConnect(current, request.KafkaZookeeperConnect), cancellationToken).ConfigureAwait(false));
        }

        if (request.Isolate is { } isolate)
        {
            var backend = await _firewall.GetAsync(cancellationToken).ConfigureAwait(false);
            response.FirewallBackend = backend.Name;
            response.FirewallRules.Add(backend.Preview(ToSpec(isolate)));
        }

        return response;
    }

    private static async Task<PlannedFile> PlannedAsync(string kind, string path, string planned, CancellationToken cancellationToken)
    {
        var exists = File.Exists(path);
        var current = exists ? await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false) : "";
        return new PlannedFile { Kind = kind, Path = path, Exists = exists, CurrentContent = current, PlannedContent = planned, Changed = !exists || current != planned };
    }
}
