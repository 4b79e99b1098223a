using System.CommandLine;
using System.Text.Json.Nodes;
using ZkMitosis.Cli.Commands.Tools;
using ZkMitosis.ZooKeeper.Connection;
using ZkMitosis.ZooKeeper.FourLetterWords;

namespace ZkMitosis.Cli.Commands.Zk;

/// <summary>
/// <c>zk 4lw SERVER CMD</c>: send a four-letter word and print the reply. With <c>--tls-ca</c> (and the other TLS
/// options every <c>zk</c> subcommand takes) it speaks TLS to the server's <c>secureClientPort</c>, which ZooKeeper
/// answers four-letter words on too; <c>--sasl-credentials</c> does not apply (four-letter words are not authenticated).
/// </summary>
internal static class FourLetterWordCommand
{
    public static Command Create()
    {
        var server = new Argument<string>("server") { Description = "host:port of one server ([address]:port for IPv6)" };
        var word = new Argument<string>("command") { Description = "ruok, srvr, stat, mntr, cons, conf, envi, …" };
        var timeout = new Option<double>("--timeout") { Description = "seconds to wait for the reply", DefaultValueFactory = _ => 5 };
        var command = new Command("4lw", "send a four-letter word to one server (over TLS to its secureClientPort with --tls-ca)") { server, word, timeout };
        command.SetAction((parseResult, ct) => ToolConsole.RunAsync(parseResult, async () =>
        {
            var target = parseResult.GetRequiredValue(server);
            if (!HostEndpoint.TryParse(target, null, out var endpoint, out var problem))
            {
                throw new ArgumentException(problem);
            }

            var seconds = parseResult.GetValue(timeout);
            if (!(seconds > 0 && seconds <= int.MaxValue / 1000))
            {
                throw new ArgumentException($"--timeout {seconds} is not a positive number of seconds");
            }

            var name = parseResult.GetRequiredValue(word);
            if (name.Length != 4 || !name.All(char.IsAsciiLetterLower))
            {
                throw new ArgumentException($"'{name}' is not a four-letter word (four lower-case letters: ruok, srvr, mntr, cons, conf, …)");
            }

            var tls = ZkSession.Security.Read(parseResult).Tls;
            string reply;
            try
            {
                reply = await FourLetterWordClient.SendAsync(endpoint.Host, endpoint.Port, name, tls, TimeSpan.FromSeconds(seconds), ct);
            }
            catch (InvalidDataException e)
            {
                // A TLS file that holds no usable certificate or key: the operator's input, named by the message.
                throw new ArgumentException(e.Message, e);
            }

            if (reply.Contains("is not executed because it is not in the whitelist", StringComparison.Ordinal))
            {
                throw new ToolException($"{target}: '{name}' is not whitelisted (4lw.commands.whitelist); the AdminServer (/commands/…) is the alternative");
            }

            if (ZkSession.WantsJson(parseResult))
            {
                var fields = new JsonObject();
                foreach (var line in reply.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    var separator = line.IndexOf('\t', StringComparison.Ordinal) is var tab and > 0 ? tab : line.IndexOf(": ", StringComparison.Ordinal);
                    if (separator > 0)
                    {
                        fields[line[..separator].Trim()] = line[(separator + 1)..].Trim();
                    }
                }

                await ZkSession.WriteJsonAsync(parseResult, new JsonObject { ["server"] = target, ["command"] = name, ["reply"] = reply, ["fields"] = fields });
            }
            else
            {
                await ToolConsole.Out(parseResult).WriteAsync(reply.EndsWith('\n') ? reply : reply + "\n");
            }

            return ToolConsole.Ok;
        }));
        return command;
    }
}
