using ZkMitosis.ZooKeeper.Config.ConnectStringFiles;

namespace ZkMitosis.Coordinator.Plans;

/// <summary>
/// Reads the plan's <c>tenants:</c> list and compiles the <c>kafka:</c> shorthand into the same <see cref="TenantSpec"/>:
/// the engine sees tenants only. Presets fill in what a tenant does not say (<see cref="TenantPresets"/>).
/// </summary>
internal static class TenantLoader
{
    /// <summary>The name the <c>kafka:</c> shorthand's tenant gets.</summary>
    public const string KafkaShorthandName = "kafka";

    /// <summary>The tenant the <c>kafka:</c> section describes: preset kafka, the plan's chroot, its brokers in order.</summary>
    public static TenantSpec FromKafkaShorthand(string chroot, IReadOnlyList<BrokerSpec> brokers) =>
        Build(KafkaShorthandName, TenantPreset.Kafka, chroot, brokers.Select(b => new TenantHost(b.Agent, b.Id, b.Rack)).ToList(), true, null, null) with { PlanPath = "kafka" };

    /// <summary>Every tenant of <c>tenants:</c>, or null when a field is missing (problems recorded).</summary>
    public static List<TenantSpec>? Tenants(YamlFields root, List<PlanProblem> problems)
    {
        var items = root.Sequence("tenants", required: false);
        if (items is null)
        {
            return [];
        }

        var tenants = new List<TenantSpec>();
        var complete = true;
        foreach (var (node, path) in items)
        {
            var fields = root.Item(node, path);
            var tenant = fields is null ? null : Tenant(fields, problems) is { } built ? built with { PlanPath = path } : null;
            complete &= tenant is not null;
            if (tenant is not null)
            {
                tenants.Add(tenant);
            }
        }

        return complete ? tenants : null;
    }

    private static TenantSpec? Tenant(YamlFields fields, List<PlanProblem> problems)
    {
        var name = fields.String("name", required: true);
        var presetText = fields.String("preset", required: true);
        var chroot = fields.String("chroot", required: true);
        var moves = fields.Bool("moves") ?? true;
        TenantPreset? preset = null;
        if (presetText is not null)
        {
            if (TenantPresets.Names.TryGetValue(presetText, out var known))
            {
                preset = known;
            }
            else
            {
                fields.Problem("preset", $"must be one of {string.Join(", ", TenantPresets.Names.Keys)}, not {PlanProblem.Quote(presetText)}");
            }
        }

        var hosts = Hosts(fields, preset == TenantPreset.Kafka);
        var connect = fields.Mapping("connect", required: false);
        var health = fields.Mapping("health", required: false);
        fields.RejectUnknown();
        if (name is null || preset is null || chroot is null || hosts is null)
        {
            connect?.RejectUnknown();
            health?.RejectUnknown();
            return null;
        }

        return Build(name, preset.Value, chroot, hosts, moves, connect, health, fields);
    }

    private static List<TenantHost>? Hosts(YamlFields fields, bool kafka)
    {
        var items = fields.Sequence("hosts", required: true);
        if (items is null)
        {
            return null;
        }

        var hosts = new List<TenantHost>();
        var complete = true;
        foreach (var (node, path) in items)
        {
            var host = fields.Item(node, path);
            if (host is null)
            {
                complete = false;
                continue;
            }

            // Kafka hosts are brokers: their broker.id names their steps and their registration.
            var id = kafka ? host.Int("id", required: true, 0, int.MaxValue) : null;
            var agent = host.String("agent", required: true);
            var rack = kafka ? host.String("rack", required: false) : null;
            if (rack is not null && (rack.Length > 255 || rack.Any(char.IsControl)))
            {
                host.Problem("rack", "must be at most 255 characters, none of them a control character");
                rack = null;
            }

            host.RejectUnknown();
            if (agent is null || (kafka && id is null))
            {
                complete = false;
                continue;
            }

            hosts.Add(new TenantHost(agent, id, rack));
        }

        return complete ? hosts : null;
    }

    private static TenantSpec Build(string name, TenantPreset preset, string chroot, List<TenantHost> hosts, bool moves, YamlFields? connect, YamlFields? health, YamlFields? tenant = null)
    {
        var defaults = TenantPresets.For(preset);
        var configId = connect?.String("configId", required: false) ?? defaults.ConfigId;
        var location = defaults.Location;
        var formatText = connect?.String("format", required: false);
        if (formatText is not null)
        {
            if (TenantPresets.Formats.TryGetValue(formatText, out var format))
            {
                location = new ConnectStringLocation(format, "");
            }
            else
            {
                connect!.Problem("format", $"must be one of {string.Join(", ", TenantPresets.Formats.Keys)}, not {PlanProblem.Quote(formatText)}");
            }
        }

        if (location is not null && connect is not null)
        {
            location = location with
            {
                Key = connect.String("key", required: false) ?? location.Key,
                PortKey = connect.String("portKey", required: false) ?? location.PortKey,
                ParentKey = connect.String("parentKey", required: false) ?? location.ParentKey,
            };
        }

        if (location is null)
        {
            tenant?.Problem("connect", "format (and key) are required: the generic preset says nothing about where the connect string lives");
            location = new ConnectStringLocation(ConnectStringFormat.Properties, "");
        }

        if (preset != TenantPreset.Kafka && configId is null)
        {
            tenant?.Problem("connect", "configId is required: the id of the agents' TenantConfigFiles entry holding this tenant's connect string");
        }

        var chrootInConnect = connect?.Bool("chrootInConnect") ?? defaults.ChrootInConnect;
        connect?.RejectUnknown();

        var path = health?.String("path", required: false) ?? defaults.RegistrationPath;
        if (path is null)
        {
            tenant?.Problem("health", $"path is required for preset {preset.ToString().ToLowerInvariant()} (where its hosts register ephemerals, under the chroot)");
            path = "/";
        }

        var child = health?.String("child", required: false) ?? defaults.Child;
        var count = health?.Int("count", required: false, 0, 100_000) ?? (defaults.OneRegistration ? 1 : hosts.Count);
        health?.RejectUnknown();
        return new TenantSpec
        {
            Name = name,
            Preset = preset,
            Chroot = chroot,
            Hosts = hosts,
            Moves = moves,
            Connect = new TenantConnect(preset == TenantPreset.Kafka && configId is null ? null : configId, location, chrootInConnect),
            Health = new TenantHealth(path, count, child, preset == TenantPreset.Kafka),
        };
    }
}
