using System.CommandLine;
using System.Globalization;
using Google.Protobuf;
using Grpc.Core;
using Spectre.Console;
using ZkMitosis.Agent.V1;
using ZkMitosis.Coordinator.Agents;

namespace ZkMitosis.Cli.Commands;

/// <summary>`zkmitosis agent status --agent HOST:PORT [--json]`: what an operator checks on one host.</summary>
internal static class AgentCommand
{
    public static Command Create()
    {
        var command = new Command("agent", "talk to a node agent");
        command.Subcommands.Add(Status());
        return command;
    }

    private static Command Status()
    {
        var agent = new Option<string>("--agent") { Description = "the agent's HOST:PORT", Required = true };
        var json = new Option<bool>("--json") { Description = "print JSON instead of a table" };
        var ca = new Option<string?>("--ca") { Description = "the CA certificate the agent's certificate must chain to" };
        var certificate = new Option<string?>("--cert") { Description = "this client's certificate (PEM)" };
        var key = new Option<string?>("--key") { Description = "this client's key (PEM)" };
        var insecure = new Option<bool>("--insecure") { Description = "plain HTTP/2, for agents run with Insecure: true (labs)" };
        var command = new Command("status", "describe an agent's host: role, versions, service, ZooKeeper mode and zxid, lease") { agent, json, ca, certificate, key, insecure };
        command.SetAction(async (result, cancellationToken) =>
        {
            var settings = new AgentTlsSettings
            {
                CaCertificatePath = result.GetValue(ca),
                ClientCertificatePath = result.GetValue(certificate),
                ClientKeyPath = result.GetValue(key),
                Insecure = result.GetValue(insecure),
            };
            var address = result.GetValue(agent)!;
            try
            {
                using var channel = AgentChannelFactory.Create(address, settings);
                var client = new ZkMitosis.Agent.V1.Agent.AgentClient(channel);
                var deadline = DateTime.UtcNow.AddSeconds(15);
                var description = await client.DescribeAsync(new DescribeRequest(), deadline: deadline, cancellationToken: cancellationToken);
                var status = description.Role == Role.Zookeeper
                    ? await client.GetZooKeeperStatusAsync(new GetZooKeeperStatusRequest(), deadline: deadline, cancellationToken: cancellationToken)
                    : null;
                if (result.GetValue(json))
                {
                    Console.WriteLine($"{{\"describe\":{JsonFormatter.Default.Format(description)},\"zookeeper\":{(status is null ? "null" : JsonFormatter.Default.Format(status))}}}");
                    return 0;
                }

                Print(address, description, status);
                return 0;
            }
            catch (RpcException e)
            {
                await Console.Error.WriteLineAsync($"zkmitosis agent status: {address}: {e.StatusCode}: {e.Status.Detail}");
                return 1;
            }
            catch (ArgumentException e)
            {
                await Console.Error.WriteLineAsync($"zkmitosis agent status: {e.Message}");
                return 2;
            }
        });
        return command;
    }

    private static void Print(string address, DescribeResponse description, GetZooKeeperStatusResponse? status)
    {
        var table = new Table().AddColumn("field").AddColumn("value");
        void Row(string field, string value) => table.AddRow(Markup.Escape(field), Markup.Escape(value));
        Row("agent", $"{address} ({description.AgentVersion}{(description.Insecure ? ", INSECURE" : "")})");
        Row("host", description.HostName);
        Row("role", description.Role.ToString().ToLowerInvariant());
        Row("server id", description.ServerId.ToString(CultureInfo.InvariantCulture));
        Row("service", $"{description.ServiceState} ({description.ServiceBackend})");
        Row("firewall backend", description.FirewallBackend);
        Row("lease", description.Lease is null ? "none" : $"{description.Lease.PlanId} by {description.Lease.Holder} until {description.Lease.ExpiresAt.ToDateTimeOffset():O}");
        if (status is not null)
        {
            Row("zookeeper", $"{status.Mode} {status.Version}");
            Row("zxid", status.Zxid >= 0 ? $"0x{status.Zxid:x}" : status.LastZxidOnDisk >= 0 ? $"0x{status.LastZxidOnDisk:x} (on disk)" : "unknown");
            if (status.Error.Length > 0)
            {
                Row("note", status.Error);
            }
        }

        foreach (var file in description.ManagedFiles)
        {
            Row(file.Kind, file.Exists ? $"{file.Path} sha256 {file.Sha256[..12]}…" : $"{file.Path} (missing)");
        }

        AnsiConsole.Write(table);
    }
}
