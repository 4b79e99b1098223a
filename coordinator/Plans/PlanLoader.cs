using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace ZkMitosis.Coordinator.Plans;

/// <summary>
/// Parses a plan (docs/plan-format.md) and validates it, collecting every problem with its field path.
/// World checks (agents reachable, destination empty, brokers pointing at the source) are the preflight's job.
/// </summary>
public static class PlanLoader
{
    public static MigrationPlan LoadFile(string path) => Load(File.ReadAllText(path));

    /// <exception cref="InvalidPlanException">with every problem found.</exception>
    public static MigrationPlan Load(string yaml)
    {
        var problems = new List<PlanProblem>();
        var plan = Parse(yaml, problems);
        if (plan is not null)
        {
            problems.AddRange(PlanValidator.Validate(plan));
        }

        if (problems.Count > 0 || plan is null)
        {
            throw new InvalidPlanException(problems);
        }

        return plan with { Sha256 = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(yaml))) };
    }

    private static MigrationPlan? Parse(string yaml, List<PlanProblem> problems)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            problems.Add(new PlanProblem($"(line {e.Start.Line.ToString(CultureInfo.InvariantCulture)})", $"not valid YAML: {e.Message}"));
            return null;
        }
        catch (InvalidOperationException e)
        {
            // YamlDotNet's scanner reports some unterminated constructs at the end of input this way.
            problems.Add(new PlanProblem("(line ?)", $"not valid YAML: {e.Message}"));
            return null;
        }

        if (stream.Documents.Count != 1 || stream.Documents[0].RootNode is not YamlMappingNode rootNode)
        {
            problems.Add(new PlanProblem("(document)", "must be one YAML mapping"));
            return null;
        }

        var root = new YamlFields(rootNode, "", problems);
        var planId = root.String("planId", required: true);
        var hasKafka = root.Node("kafka") is not null;
        var chroot = root.String("chroot", required: hasKafka);
        var strategyText = root.String("strategy", required: false) ?? "observer";
        MigrationStrategy? strategy = strategyText switch
        {
            "observer" => MigrationStrategy.Observer,
            "participant" => MigrationStrategy.Participant,
            "copy" => MigrationStrategy.Copy,
            _ => null,
        };
        if (strategy is null)
        {
            root.Problem("strategy", $"must be observer, participant or copy, not {PlanProblem.Quote(strategyText)}");
        }

        var merge = CopyMergeLoader.Parse(root, strategy);
        var preCopy = PreCopyLoader.Parse(root, strategy);

        var joiners = new List<int>();
        var participant = root.Mapping("participant", required: false);
        if (participant is not null)
        {
            if (strategy != MigrationStrategy.Participant)
            {
                root.Problem("participant", "is only allowed with strategy: participant");
            }

            foreach (var (node, path) in participant.Sequence("joiners", required: false) ?? [])
            {
                if (node is YamlScalarNode { Value: { } text } && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
                {
                    joiners.Add(id);
                }
                else
                {
                    problems.Add(new PlanProblem(path, "must be a destination server id"));
                }
            }

            participant.RejectUnknown();
        }

        var (source, sourceSecurity) = Servers(root, "source", problems);
        var (destination, destinationSecurity) = Servers(root, "destination", problems);
        var brokers = hasKafka ? Brokers(root) : [];
        var tenants = TenantLoader.Tenants(root, problems);
        if (!hasKafka && tenants is { Count: 0 })
        {
            root.Problem("tenants", "is required: list the tenants to move (or give the kafka: shorthand)");
        }

        if (!hasKafka && chroot is not null)
        {
            root.Problem("chroot", "belongs to the kafka: shorthand; with tenants: each tenant names its own chroot");
        }
        var tls = Tls(root);
        var timeouts = Timeouts(root);
        var intervals = Intervals(root);
        var switchSettings = SwitchSettingsLoader.Parse(root);
        root.RejectUnknown();

        if (planId is null || (hasKafka && chroot is null) || strategy is null || source is null || destination is null || brokers is null || tenants is null || tls is null)
        {
            return null;
        }

        // One model: the kafka: shorthand is a Kafka tenant, first in switch order.
        if (hasKafka)
        {
            tenants.Insert(0, TenantLoader.FromKafkaShorthand(chroot!, brokers));
        }

        var primary = tenants.FirstOrDefault(t => t.Moves && t.Preset == TenantPreset.Kafka) ?? tenants.FirstOrDefault(t => t.Moves) ?? tenants.FirstOrDefault();

        if (strategy == MigrationStrategy.Participant && joiners.Count == 0)
        {
            // Not given: choose the fewest joiners that satisfy every invariant, lowest ids first.
            var k = QuorumMath.SmallestSafeJoinerCount(source.Count, destination.Count);
            if (k is { } count)
            {
                joiners.AddRange(destination.Select(d => d.Id).Order().Take(count));
            }
        }

        return new MigrationPlan
        {
            PlanId = planId,
            Chroot = primary?.Chroot ?? "",
            Strategy = strategy.Value,
            Joiners = joiners,
            Source = source,
            Destination = destination,
            Tenants = tenants,
            Tls = tls,
            SourceSecurity = sourceSecurity,
            DestinationSecurity = destinationSecurity,
            Timeouts = timeouts,
            Intervals = intervals,
            Switch = switchSettings,
            Merge = merge,
            PreCopy = preCopy,
        };
    }

    private static (List<ServerSpec>? Servers, EnsembleSecurity Security) Servers(YamlFields root, string name, List<PlanProblem> problems)
    {
        var section = root.Mapping(name, required: true);
        if (section is null)
        {
            return (null, EnsembleSecurity.None);
        }

        var items = section.Sequence("servers", required: true);
        var security = SecurityLoader.Ensemble(section);
        section.RejectUnknown();
        if (items is null)
        {
            return (null, security);
        }

        if (items.Count == 0)
        {
            section.Problem("servers", "must list at least one server");
        }

        var servers = new List<ServerSpec>();
        var complete = true;
        foreach (var (node, path) in items)
        {
            var fields = section.Item(node, path);
            if (fields is null)
            {
                complete = false;
                continue;
            }

            var id = fields.Int("id", required: true, 1, 254);
            var host = fields.String("host", required: true);
            var clientPort = fields.Int("clientPort", required: true, 1, 65535);
            var quorumPort = fields.Int("quorumPort", required: true, 1, 65535);
            var electionPort = fields.Int("electionPort", required: true, 1, 65535);
            var agent = fields.String("agent", required: true);
            var secureClientPort = fields.Int("secureClientPort", required: false, 1, 65535);
            // Only a destination host's files are the run's business: the source keeps its own.
            var hostSecurity = name == "destination" ? SecurityLoader.Host(fields) : HostSecurity.None;
            fields.RejectUnknown();
            if (id is null || host is null || clientPort is null || quorumPort is null || electionPort is null || agent is null)
            {
                complete = false;
                continue;
            }

            servers.Add(new ServerSpec(id.Value, host, clientPort.Value, quorumPort.Value, electionPort.Value, agent)
            {
                SecureClientPort = secureClientPort,
                HostSecurity = hostSecurity,
            });
        }

        return (complete ? servers : null, security);
    }

    private static List<BrokerSpec>? Brokers(YamlFields root)
    {
        var kafka = root.Mapping("kafka", required: false);
        if (kafka is null)
        {
            return null;
        }

        var items = kafka.Sequence("brokers", required: true);
        kafka.RejectUnknown();
        if (items is null)
        {
            return null;
        }

        var brokers = new List<BrokerSpec>();
        var complete = true;
        foreach (var (node, path) in items)
        {
            var fields = kafka.Item(node, path);
            if (fields is null)
            {
                complete = false;
                continue;
            }

            var id = fields.Int("id", required: true, 0, int.MaxValue);
            var agent = fields.String("agent", required: true);
            var rack = fields.String("rack", required: false);
            if (rack is not null && (rack.Length > 255 || rack.Any(char.IsControl)))
            {
                fields.Problem("rack", "must be at most 255 characters, none of them a control character");
                rack = null;
            }

            fields.RejectUnknown();
            if (id is null || agent is null)
            {
                complete = false;
                continue;
            }

            brokers.Add(new BrokerSpec(id.Value, agent) { Rack = rack });
        }

        return complete ? brokers : null;
    }

    private static TlsSpec? Tls(YamlFields root)
    {
        var tls = root.Mapping("tls", required: true);
        if (tls is null)
        {
            return null;
        }

        var insecure = tls.Bool("insecure") ?? false;
        var ca = tls.String("ca", required: !insecure);
        var certificate = tls.String("certificate", required: !insecure);
        var key = tls.String("key", required: !insecure);
        tls.RejectUnknown();
        return new TlsSpec(ca, certificate, key, insecure);
    }

    private static PlanTimeouts Timeouts(YamlFields root)
    {
        var defaults = new PlanTimeouts();
        var section = root.Mapping("timeouts", required: false);
        if (section is null)
        {
            return defaults;
        }

        var result = new PlanTimeouts
        {
            AgentCall = section.Duration("agentCall", DurationBounds.Timeouts["agentCall"]) ?? defaults.AgentCall,
            ServerStart = section.Duration("serverStart", DurationBounds.Timeouts["serverStart"]) ?? defaults.ServerStart,
            CatchUp = section.Duration("catchUp", DurationBounds.Timeouts["catchUp"]) ?? defaults.CatchUp,
            BrokerRegistration = section.Duration("brokerRegistration", DurationBounds.Timeouts["brokerRegistration"]) ?? defaults.BrokerRegistration,
            Election = section.Duration("election", DurationBounds.Timeouts["election"]) ?? defaults.Election,
            StopGrace = section.Duration("stopGrace", DurationBounds.Timeouts["stopGrace"]) ?? defaults.StopGrace,
        };
        section.RejectUnknown();
        return result;
    }

    private static PlanIntervals Intervals(YamlFields root)
    {
        var defaults = new PlanIntervals();
        var section = root.Mapping("intervals", required: false);
        if (section is null)
        {
            return defaults;
        }

        var result = new PlanIntervals
        {
            Poll = section.Duration("poll", DurationBounds.Intervals["poll"]) ?? defaults.Poll,
            BrokerRestartPause = section.Duration("brokerRestartPause", DurationBounds.Intervals["brokerRestartPause"]) ?? defaults.BrokerRestartPause,
        };
        section.RejectUnknown();
        return result;
    }
}
