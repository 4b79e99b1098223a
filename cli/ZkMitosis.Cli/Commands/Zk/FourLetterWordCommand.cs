using System.CommandLine;
using System.Text.Json.Nodes;
using ZkMitosis.Cli.Commands.Tools;
using ZkMitosis.ZooKeeper.Connection;
using ZkMitosis.ZooKeeper.FourLetterWords;

namespace ZkMitosis.Cli.Commands.Zk;

/// <summary><c>zk 4lw SERVER CMD</c>: send a four-letter word and print the reply.</summary>
internal static class FourLetterWordCommand
{
    public static Command Create()
    {
        var server = new Argument<string>("server") { Description = "host:port of one server ([address]:port for IPv6)" };
        var word = new Argument<string>("command") { Description = "ruok, srvr, stat, mntr, cons, conf, envi, …" };
        var timeout = new Option<double>("--timeout") { Description = "seconds to wait for the reply", DefaultValueFactory = _ => 5 };
        var command = new Command("4lw", "send a four-letter word to one server") { server, word, timeout };
        command.SetAction((parseResult, ct) => ToolConsole.RunAsync(parseResult, async () =>
        {
            var target = parseResult.GetRequiredValue(server);
            if (!HostEndpoint.TryParse(target, null, out var endpoint, out var problem))
            {
                throw new ArgumentException(problem);
            }

            var name = parseResult.GetRequiredValue(word);
            var reply = await FourLetterWordClient.SendAsync(endpoint.Host, endpoint.Port, name, TimeSpan.FromSeconds(parseResult.GetValue(timeout)), ct);
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
