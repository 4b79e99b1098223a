using System.CommandLine;
using Microsoft.Extensions.Logging;
using Spectre.Console;
using ZkMitosis.Lab;

namespace ZkMitosis.Cli.Commands;

/// <summary>
/// `zkmitosis lab up|status|down|kill|start|partition`: ephemeral ZooKeeper and Kafka-host clusters in network
/// namespaces on this machine (root needed). Errors are printed plainly, one line: bad input exits 2 before anything is
/// built, a failure exits 1; nothing half-built stays.
/// </summary>
internal static class LabCommand
{
    private static readonly Option<string> NameOption = new("--name", "-n") { Description = "lab name (1–7 of a-z0-9)", DefaultValueFactory = _ => "lab" };
    private static readonly Option<string?> DirectoryOption = new("--dir") { Description = "lab directory (default /var/lib/zkmitosis/labs/NAME)" };

    public static Command Create()
    {
        var lab = new Command("lab", "ephemeral clusters in network namespaces");
        lab.Subcommands.Add(Up());
        lab.Subcommands.Add(Status());
        lab.Subcommands.Add(Down());
        lab.Subcommands.Add(Kill());
        lab.Subcommands.Add(Start());
        lab.Subcommands.Add(Partition());
        lab.Subcommands.Add(Exec());
        return lab;
    }

    private static Command Up()
    {
        var source = new Option<int>("--source") { Description = "source ensemble size (1–7)", DefaultValueFactory = _ => 3 };
        var destination = new Option<int>("--dest") { Description = "destination size (1–7), created stopped and empty", DefaultValueFactory = _ => 3 };
        var brokers = new Option<int>("--brokers") { Description = "Kafka broker stand-in hosts (0–99)", DefaultValueFactory = _ => 3 };
        var racks = new Option<int>("--racks") { Description = "spread the brokers over N racks (broker.rack r1..rN, round robin; 0: none)" };
        var subnet = new Option<string>("--subnet") { Description = "an unused private IPv4 /24", DefaultValueFactory = _ => "10.251.0.0/24" };
        var zookeeperOptions = new Option<string[]>("--zookeeper-option") { Description = "extra zoo.cfg line key=value (repeatable)" };
        var noAgents = new Option<bool>("--no-agents") { Description = "do not start agents" };
        var noPopulate = new Option<bool>("--no-populate") { Description = "leave the source empty and start no other tenant" };
        var insecureAgents = new Option<bool>("--insecure-agents") { Description = "agents without TLS (rehearsal shortcut; the plan says so)" };
        var ipv6 = new Option<bool>("--ipv6") { Description = "IPv6 only: ULA addresses (fd00:0:0:XXYY::/64, from the subnet's bytes) instead of the IPv4 /24" };
        var tenants = new Option<string>("--tenants") { Description = "the lab's tenants, comma separated: kafka (the brokers, --brokers) and any of solr, hbase, clickhouse (tenant-host STAND-INs)" };
        var stay = new Option<string>("--stay") { Description = "tenants of --tenants the plan keeps on the source (moves: false), comma separated" };
        var tenantHosts = new Option<int>("--tenant-hosts") { Description = "hosts of each non-Kafka tenant (1–9)", DefaultValueFactory = _ => 2 };
        var hostNames = new Option<bool>("--hostnames") { Description = "name every host HOST.NAME.zkm.test: the plan, zoo.cfg and connect strings carry names (run the coordinator with lab exec)" };
        var heap = new Option<string>("--zookeeper-heap") { Description = "every ZooKeeper server's JVM heap (-Xmx), a size like 512m or 2g", DefaultValueFactory = _ => Lab.Servers.ZooKeeperServerConfig.DefaultJvmHeap };
        var secure = new Option<bool>("--secure") { Description = "secured ensembles: TLS client ports, quorum TLS, SASL DIGEST-MD5 required of every session, brokers creating Kafka's znodes with SASL ACLs (zookeeper.set.acl=true); Kafka's tenant only" };
        var command = new Command("up", "build a lab: source ensemble running, destination stopped and empty, brokers, agents, plan")
        {
            source, destination, brokers, racks, NameOption, subnet, zookeeperOptions, DirectoryOption, noAgents, noPopulate, insecureAgents, ipv6,
            tenants, stay, tenantHosts, hostNames, heap, secure,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(async () =>
        {
            var options = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var pair in parse.GetValue(zookeeperOptions) ?? [])
            {
                var equals = pair.IndexOf('=', StringComparison.Ordinal);
                if (equals <= 0)
                {
                    throw new LabUsageException($"--zookeeper-option '{pair}' is not key=value");
                }

                options[pair[..equals]] = pair[(equals + 1)..];
            }

            var spec = new LabSpec
            {
                Name = parse.GetValue(NameOption)!,
                Source = parse.GetValue(source),
                Destination = parse.GetValue(destination),
                Brokers = parse.GetValue(brokers),
                Racks = parse.GetValue(racks),
                Subnet = parse.GetValue(subnet)!,
                ZooKeeperOptions = options,
                Directory = parse.GetValue(DirectoryOption),
                Agents = !parse.GetValue(noAgents),
                Populate = !parse.GetValue(noPopulate),
                InsecureAgents = parse.GetValue(insecureAgents),
                Ipv6 = parse.GetValue(ipv6),
                TenantProducts = List(parse.GetValue(tenants)).Where(t => t != "kafka").ToList(),
                StayingTenants = List(parse.GetValue(stay)),
                TenantProductHosts = parse.GetValue(tenantHosts),
                HostNames = parse.GetValue(hostNames),
                ZooKeeperHeap = parse.GetValue(heap)!,
                Secure = parse.GetValue(secure),
            };
            if (spec.Validate() is { Count: > 0 } problems)
            {
                // Bad input, before anything is built: one line, exit 2.
                throw new LabUsageException(string.Join("; ", problems));
            }

            using var logging = ConsoleLogger.Create();
            var up = await LabCluster.UpAsync(spec, logging.Logger, cancellationToken);
            await PrintStatusAsync(up, json: false, cancellationToken);
            AnsiConsole.MarkupLineInterpolated($"manifest [bold]{up.Manifest.FilePath}[/]");
            if (up.PlanPath is not null)
            {
                AnsiConsole.MarkupLineInterpolated($"plan     [bold]{up.PlanPath}[/]   (zkmitosis migrate plan {up.PlanPath})");
            }

            if (up.Manifest.HostsFilePath is not null)
            {
                AnsiConsole.MarkupLineInterpolated($"names    resolve in the lab's namespaces; run the coordinator with: zkmitosis lab exec --name {up.Name} -- zkmitosis migrate run {up.PlanPath}");
            }

            AnsiConsole.MarkupLineInterpolated($"remove it with: zkmitosis lab down --name {up.Name}");
        }));
        return command;
    }

    /// <summary>A comma-separated option's items (none when absent).</summary>
    private static List<string> List(string? value) =>
        value is null ? [] : [.. value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];

    private static Command Status()
    {
        var json = new Option<bool>("--json") { Description = "print JSON instead of a table" };
        var command = new Command("status", "hosts with role, address, ZooKeeper mode and zxid, agent, broker registration") { NameOption, DirectoryOption, json };
        command.SetAction((parse, cancellationToken) => RunAsync(async () =>
        {
            var lab = LabCluster.Open(parse.GetValue(NameOption)!, parse.GetValue(DirectoryOption));
            await PrintStatusAsync(lab, parse.GetValue(json), cancellationToken);
        }));
        return command;
    }

    private static Command Down()
    {
        var command = new Command("down", "remove every namespace, link, process, rule and directory of a lab (idempotent, works after a crash)") { NameOption, DirectoryOption };
        command.SetAction((parse, cancellationToken) => RunAsync(async () =>
        {
            using var logging = ConsoleLogger.Create();
            var report = await LabTeardown.DownAsync(parse.GetValue(NameOption)!, parse.GetValue(DirectoryOption), logging.Logger, cancellationToken);
            Console.WriteLine($"removed {report.Namespaces} namespaces, {report.Links} links, {report.Processes} processes{(report.DirectoryRemoved ? ", the lab directory" : string.Empty)} in {report.Elapsed.TotalSeconds:0.0} s");
        }));
        return command;
    }

    private static Command Kill()
    {
        var host = new Argument<string>("host") { Description = "lab host (zk1, kafka2, tenant, …)" };
        var agent = new Option<bool>("--agent") { Description = "kill the host's agent too" };
        var command = new Command("kill", "SIGKILL a host's ZooKeeper, broker stand-in or tenant writer (a crash)") { host, NameOption, DirectoryOption, agent };
        command.SetAction((parse, cancellationToken) => RunAsync(async () =>
        {
            var lab = LabCluster.Open(parse.GetValue(NameOption)!, parse.GetValue(DirectoryOption));
            await lab.KillAsync(parse.GetValue(host)!, parse.GetValue(agent), cancellationToken);
            Console.WriteLine($"killed {parse.GetValue(host)}");
        }));
        return command;
    }

    private static Command Start()
    {
        var host = new Argument<string>("host") { Description = "lab host (zk1, kafka2, tenant, …)" };
        var command = new Command("start", "start what is not running on a host (agent, then its service)") { host, NameOption, DirectoryOption };
        command.SetAction((parse, cancellationToken) => RunAsync(async () =>
        {
            var lab = LabCluster.Open(parse.GetValue(NameOption)!, parse.GetValue(DirectoryOption));
            await lab.StartAsync(parse.GetValue(host)!, cancellationToken);
            Console.WriteLine($"started {parse.GetValue(host)}");
        }));
        return command;
    }

    private static Command Partition()
    {
        var host = new Argument<string>("host") { Description = "the host to cut off" };
        var from = new Option<string[]>("--from") { Description = "hosts to cut it off from (comma-separated or repeated)", AllowMultipleArgumentsPerToken = true };
        var heal = new Option<bool>("--heal") { Description = "remove the partition (from --from hosts, or all)" };
        var command = new Command("partition", "drop all traffic between a host and other hosts (iptables inside the host's namespace)") { host, from, heal, NameOption, DirectoryOption };
        command.SetAction((parse, cancellationToken) => RunAsync(async () =>
        {
            var lab = LabCluster.Open(parse.GetValue(NameOption)!, parse.GetValue(DirectoryOption));
            var peers = (parse.GetValue(from) ?? []).SelectMany(p => p.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
            var name = parse.GetValue(host)!;
            if (parse.GetValue(heal))
            {
                await lab.HealAsync(name, peers.Count > 0 ? peers : null, cancellationToken);
                Console.WriteLine($"healed {name}{(peers.Count > 0 ? " from " + string.Join(",", peers) : string.Empty)}");
                return;
            }

            if (peers.Count == 0)
            {
                throw new LabException("--from HOSTS is required (or --heal)");
            }

            await lab.PartitionAsync(name, peers, cancellationToken);
            Console.WriteLine($"partitioned {name} from {string.Join(",", peers)}");
        }));
        return command;
    }

    private static Command Exec()
    {
        var argv = new Argument<string[]>("command") { Description = "the command and its arguments (after --)", Arity = ArgumentArity.OneOrMore };
        var command = new Command("exec", "run a command that resolves a named lab's hosts (its own /etc/hosts in a private mount namespace; nothing else sees it)") { NameOption, DirectoryOption, argv };
        command.SetAction(async (parse, cancellationToken) =>
        {
            IReadOnlyList<string> wrapped;
            try
            {
                var lab = LabCluster.Open(parse.GetValue(NameOption)!, parse.GetValue(DirectoryOption));
                var hosts = lab.Manifest.HostsFilePath ?? throw new LabException($"lab '{lab.Name}' has no host names (build it with lab up --hostnames)");
                wrapped = ZkMitosis.Lab.Network.LabHostNames.ResolvingCommand(hosts, parse.GetValue(argv)!);
            }
            catch (LabException e)
            {
                await Console.Error.WriteLineAsync("zkmitosis: lab: " + e.Message);
                return 1;
            }

            // The command's own stdin, stdout and stderr; its exit code is ours.
            var start = new System.Diagnostics.ProcessStartInfo(wrapped[0]) { UseShellExecute = false };
            foreach (var argument in wrapped.Skip(1))
            {
                start.ArgumentList.Add(argument);
            }

            using var process = System.Diagnostics.Process.Start(start)!;
            await process.WaitForExitAsync(CancellationToken.None);
            return process.ExitCode;
        });
        return command;
    }

    private static async Task PrintStatusAsync(Lab.Lab lab, bool json, CancellationToken cancellationToken)
    {
        var report = await lab.StatusAsync(cancellationToken);
        if (json)
        {
            Console.WriteLine(report.ToJson());
            return;
        }

        var table = new Table().AddColumns("host", "role", "address", "service", "zookeeper", "zxid", "agent", "broker", "partitioned from");
        foreach (var h in report.Hosts)
        {
            table.AddRow(
                Markup.Escape(h.Name),
                h.Role.ToString().ToLowerInvariant(),
                h.Address,
                !h.NamespaceExists ? "[red]namespace gone[/]" : h.ServiceRunning ? $"running ({h.ServicePid})" : "stopped",
                Markup.Escape(h.ZooKeeperMode ?? "-"),
                h.Zxid ?? "-",
                h.AgentRunning is null ? "-" : h.AgentHealthy == true ? "healthy" : h.AgentListening == true ? $"[yellow]{Markup.Escape(h.AgentProblem ?? "not answering")}[/]" : h.AgentRunning == true ? "starting" : "[red]down[/]",
                h.BrokerRegistered is null ? "-" : h.BrokerRegistered == true ? $"registered (epoch {h.BrokerEpoch}, expiries {h.SessionExpiries})" : "[yellow]not registered[/]",
                h.PartitionedFrom.Count == 0 ? "-" : string.Join(",", h.PartitionedFrom));
        }

        if (Console.IsOutputRedirected)
        {
            // Not a terminal: do not wrap the table at Spectre's default 80 columns.
            AnsiConsole.Profile.Width = Math.Max(AnsiConsole.Profile.Width, 200);
        }

        AnsiConsole.MarkupLineInterpolated($"lab [bold]{report.Name}[/] ({report.State}) on {report.Subnet}, files in {report.Directory}");
        AnsiConsole.Write(table);
    }

    private static async Task<int> RunAsync(Func<Task> action)
    {
        try
        {
            await action();
            return 0;
        }
        catch (LabUsageException e)
        {
            await Console.Error.WriteLineAsync("zkmitosis: lab: " + e.Message);
            return 2;
        }
        catch (LabException e)
        {
            await Console.Error.WriteLineAsync("zkmitosis: lab: " + e.Message);
            return 1;
        }
    }

    /// <summary>A lab command's input is wrong (exit 2); nothing was done.</summary>
    private sealed class LabUsageException(string message) : Exception(message);

    /// <summary>Progress lines on stderr, so stdout stays the command's result.</summary>
    private sealed class ConsoleLogger : ILogger, IDisposable
    {
        public ILogger Logger => this;

        public static ConsoleLogger Create() => new();

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                Console.Error.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {(logLevel >= LogLevel.Warning ? logLevel.ToString().ToLowerInvariant() + ": " : string.Empty)}{formatter(state, exception)}");
            }
        }

        public void Dispose()
        {
        }
    }
}
