using Grpc.Core;
using ZkMitosis.Agent.Tests.Support;
using ZkMitosis.Agent.V1;
using ZkMitosis.Coordinator.Agents;
using ZkMitosis.Testing;

namespace ZkMitosis.Agent.Tests.Grpc;

/// <summary>One agent process over mTLS, shared by the tests of <see cref="AgentMutualTlsTests"/>.</summary>
public sealed class MutualTlsAgentFixture : IAsyncLifetime
{
    private readonly TestDirectory _directory = new("zkat-mtls");

    public TestCertificates Certificates { get; } = new();

    public AgentProcess? Agent { get; private set; }

    public async Task InitializeAsync()
    {
        var zooCfg = Path.Combine(_directory.Path, "zoo.cfg");
        await File.WriteAllTextAsync(zooCfg, $"dataDir={Path.Combine(_directory.Path, "data")}\nclientPort={FreePorts.Next()}\n");
        Agent = await AgentProcess.StartAsync(AgentProcess.ZooKeeperConfig(_directory.Path, zooCfg, FreePorts.Next(), FreePorts.Next(), Certificates), _directory.Path);
    }

    public async Task DisposeAsync()
    {
        if (Agent is not null)
        {
            await Agent.DisposeAsync();
        }

        Certificates.Dispose();
        _directory.Dispose();
    }
}

/// <summary>The agent as a real process over mTLS: only clients with a certificate from the configured CA get in.</summary>
public sealed class AgentMutualTlsTests(MutualTlsAgentFixture fixture) : IClassFixture<MutualTlsAgentFixture>
{
    private readonly AgentProcess _agent = fixture.Agent!;
    private readonly TestCertificates _certificates = fixture.Certificates;

    [Fact]
    public async Task Describe_CertificateFromConfiguredCa_Answers()
    {
        var (client, channel) = _agent.Connect(_certificates.Client);
        using var _ = channel;

        var description = await client.DescribeAsync(new DescribeRequest(), deadline: DateTime.UtcNow.AddSeconds(30));

        Assert.Equal("zk-test", description.HostName);
        Assert.Equal(Role.Zookeeper, description.Role);
        Assert.False(description.Insecure);
    }

    [Fact]
    public async Task Describe_CertificateFromAnotherCa_Refused()
    {
        var (client, channel) = _agent.Connect(_certificates.Stranger);
        using var _ = channel;

        var error = await Assert.ThrowsAsync<RpcException>(() => client.DescribeAsync(new DescribeRequest(), deadline: DateTime.UtcNow.AddSeconds(30)).ResponseAsync);

        AssertRefusedInHandshake(error);
        Assert.Contains("Refused a client certificate", await WaitForOutputAsync("Refused a client certificate"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Describe_CertificateWithoutClientAuthUsage_Refused()
    {
        var (client, channel) = _agent.Connect(_certificates.NoUsage);
        using var _ = channel;

        var error = await Assert.ThrowsAsync<RpcException>(() => client.DescribeAsync(new DescribeRequest(), deadline: DateTime.UtcNow.AddSeconds(30)).ResponseAsync);

        AssertRefusedInHandshake(error);
        Assert.Contains("no clientAuth extended key usage", await WaitForOutputAsync("no clientAuth extended key usage"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Describe_TheCaCertificateAsClient_Refused()
    {
        var (client, channel) = _agent.Connect(_certificates.CaAsClient);
        using var _ = channel;

        var error = await Assert.ThrowsAsync<RpcException>(() => client.DescribeAsync(new DescribeRequest(), deadline: DateTime.UtcNow.AddSeconds(30)).ResponseAsync);

        AssertRefusedInHandshake(error);
        Assert.Contains("the CA certificate itself is not a client certificate", await WaitForOutputAsync("the CA certificate itself"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Describe_NoClientCertificate_Refused()
    {
        using var handler = new SocketsHttpHandler();
        var authorities = new System.Security.Cryptography.X509Certificates.X509Certificate2Collection();
        authorities.ImportFromPemFile(_certificates.CaPath);
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
            certificate is not null && AgentChannelFactory.ChainsTo(new System.Security.Cryptography.X509Certificates.X509Certificate2(certificate), authorities);
        using var channel = global::Grpc.Net.Client.GrpcChannel.ForAddress($"https://127.0.0.1:{_agent.Port}", new global::Grpc.Net.Client.GrpcChannelOptions { HttpHandler = handler });
        var client = new ZkMitosis.Agent.V1.Agent.AgentClient(channel);

        var error = await Assert.ThrowsAsync<RpcException>(() => client.DescribeAsync(new DescribeRequest(), deadline: DateTime.UtcNow.AddSeconds(30)).ResponseAsync);

        AssertRefusedInHandshake(error);
    }

    [Fact]
    public async Task Describe_InsecureClientToTlsAgent_Refused()
    {
        var (client, channel) = _agent.Connect(AgentTlsSettings.InsecureLab);
        using var _ = channel;

        var error = await Assert.ThrowsAsync<RpcException>(() => client.DescribeAsync(new DescribeRequest(), deadline: DateTime.UtcNow.AddSeconds(30)).ResponseAsync);

        Assert.NotEqual(StatusCode.OK, error.StatusCode);
    }

    private async Task<string> WaitForOutputAsync(string text)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!_agent.Output.Contains(text, StringComparison.Ordinal) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        return _agent.Output;
    }

    // The agent ends the TLS handshake; whether the client sees that as the connection failing (Unavailable) or as its
    // HTTP/2 preface failing (Internal) depends on which write the alert races. What proves the refusal is the
    // agent's own log line each test waits for.
    private static void AssertRefusedInHandshake(RpcException error) =>
        Assert.True(error.StatusCode is StatusCode.Unavailable or StatusCode.Internal, $"expected a failed handshake, got {error.StatusCode}: {error.Status.Detail}");
}
