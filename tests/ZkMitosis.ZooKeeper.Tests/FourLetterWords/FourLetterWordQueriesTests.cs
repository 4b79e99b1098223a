using ZkMitosis.Testing;
using ZkMitosis.ZooKeeper.FourLetterWords;

namespace ZkMitosis.ZooKeeper.Tests.FourLetterWords;

/// <summary>Typed four-letter words against a real server whose whitelist holds only srvr and cons.</summary>
public sealed class FourLetterWordQueriesTests
{
    [Fact]
    public async Task Queries_RestrictedWhitelist_SrvrAndConsParsedMntrRefusedClearly()
    {
        await using var zk = await ZooKeeperEnsemble.StartStandaloneAsync(new Dictionary<string, string> { ["4lw.commands.whitelist"] = "srvr,cons" });
        var server = zk.Servers[0].Config;

        var srvr = await FourLetterWordQueries.SrvrAsync(server.ClientAddress, server.ClientPort);
        var cons = await FourLetterWordQueries.ConsAsync(server.ClientAddress, server.ClientPort);
        var error = await Assert.ThrowsAsync<FourLetterWordException>(() => FourLetterWordQueries.MntrAsync(server.ClientAddress, server.ClientPort));

        Assert.Equal(ZooKeeperServerMode.Standalone, srvr.Mode);
        Assert.NotEmpty(cons.Connections);
        Assert.Equal(FourLetterWordFailure.NotWhitelisted, error.Failure);
        Assert.Contains("4lw.commands.whitelist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AdminServer_FakeServerReportsError_FailureWithTheServersMessage()
    {
        using var listener = new System.Net.HttpListener();
        var port = FreePorts.Next();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        var serve = Task.Run(async () =>
        {
            var context = await listener.GetContextAsync();
            var body = """{ "command" : "monitor", "error" : "This ZooKeeper instance is not currently serving requests" }"""u8.ToArray();
            context.Response.ContentType = "application/json";
            await context.Response.OutputStream.WriteAsync(body);
            context.Response.Close();
        });
        using var admin = new AdminServerClient(new Uri($"http://127.0.0.1:{port}"));

        var error = await Assert.ThrowsAsync<FourLetterWordException>(() => admin.MntrAsync());

        Assert.Equal(FourLetterWordFailure.NotServing, error.Failure);
        await serve;
    }
}
