using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Grpc.Net.Client;
using ZkMitosis.Coordinator.Agents;

namespace ZkMitosis.Agent.Tests.Support;

/// <summary>
/// The real agent binary (<c>zkmitosis-agent.dll</c> from this test's output) run as a child process with a config file,
/// optionally inside a network namespace. Ready when it logs that it serves gRPC; killed (by pid) on dispose.
/// </summary>
public sealed class AgentProcess : IAsyncDisposable
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private AgentProcess(Process process, string configPath, string address, int port, string? networkNamespace)
    {
        _process = process;
        ConfigPath = configPath;
        Address = address;
        Port = port;
        NetworkNamespace = networkNamespace;
    }

    public string ConfigPath { get; }

    public string Address { get; }

    public int Port { get; }

    public string? NetworkNamespace { get; }

    public int Pid => _process.Id;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static string AgentDll => Path.Combine(AppContext.BaseDirectory, "zkmitosis-agent.dll");

    /// <summary>Writes <paramref name="config"/> to <paramref name="directory"/>/agent.json and starts the agent.</summary>
    public static async Task<AgentProcess> StartAsync(JsonObject config, string directory, string? networkNamespace = null)
    {
        var configPath = Path.Combine(directory, "agent.json");
        await File.WriteAllTextAsync(configPath, config.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true })).ConfigureAwait(false);
        var process = Launch(configPath, networkNamespace);
        var agent = new AgentProcess(process, configPath, (string)config["ListenAddress"]!, (int)config["ListenPort"]!, networkNamespace);
        agent.Watch();
        try
        {
            var finished = await Task.WhenAny(agent._ready.Task, process.WaitForExitAsync(), Task.Delay(StartTimeout)).ConfigureAwait(false);
            if (finished != agent._ready.Task)
            {
                throw new InvalidOperationException($"the agent did not start within {StartTimeout.TotalSeconds} s (exited: {process.HasExited}). Output:\n{agent.Output}");
            }

            return agent;
        }
        catch
        {
            await agent.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Runs the agent with <paramref name="configPath"/> expecting it to refuse to start; returns exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunExpectingFailureAsync(string configPath)
    {
        using var process = Launch(configPath, null);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(StartTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            throw new InvalidOperationException("the agent kept running with a bad config");
        }

        return (process.ExitCode, await stdout.ConfigureAwait(false) + await stderr.ConfigureAwait(false));
    }

    /// <summary>
    /// A config for a ZooKeeper host with the command backend, insecure unless <paramref name="certificates"/> are given;
    /// the data dir is <paramref name="dataDir"/>, else <paramref name="directory"/>/data.
    /// </summary>
    public static JsonObject ZooKeeperConfig(string directory, string zooCfgPath, int port, int monitoringPort, TestCertificates? certificates = null, string listenAddress = "127.0.0.1", string firewallBackend = "auto", JsonObject? commands = null, string? dataDir = null)
    {
        var config = new JsonObject
        {
            ["Role"] = "zookeeper",
            ["HostName"] = "zk-test",
            ["Addresses"] = new JsonArray(listenAddress),
            ["ListenAddress"] = listenAddress,
            ["ListenPort"] = port,
            ["MonitoringAddress"] = listenAddress,
            ["MonitoringPort"] = monitoringPort,
            ["StateDirectory"] = Path.Combine(directory, "state"),
            ["Insecure"] = certificates is null,
            ["ZooKeeper"] = new JsonObject { ["ConfigPath"] = zooCfgPath, ["DataDir"] = dataDir ?? Path.Combine(directory, "data") },
            ["Service"] = new JsonObject
            {
                ["Backend"] = "command",
                ["CommandTimeoutMs"] = 30000,
                ["ZooKeeperCommands"] = commands ?? new JsonObject { ["Start"] = "true", ["Stop"] = "true", ["Status"] = "false" },
            },
            ["Firewall"] = new JsonObject { ["Backend"] = firewallBackend },
        };
        if (certificates is not null)
        {
            config["Tls"] = new JsonObject
            {
                ["CertificatePath"] = certificates.ServerCertificatePath,
                ["KeyPath"] = certificates.ServerKeyPath,
                ["ClientCaPath"] = certificates.CaPath,
            };
        }

        return config;
    }

    /// <summary>A client for this agent through the coordinator's channel factory (sockets opened in the agent's namespace).</summary>
    public (ZkMitosis.Agent.V1.Agent.AgentClient Client, GrpcChannel Channel) Connect(AgentTlsSettings settings)
    {
        var address = $"{(Address.Contains(':', StringComparison.Ordinal) ? $"[{Address}]" : Address)}:{Port}";
        if (NetworkNamespace is null)
        {
            var channel = AgentChannelFactory.Create(address, settings);
            return (new ZkMitosis.Agent.V1.Agent.AgentClient(channel), channel);
        }

        // In a namespace: the same TLS settings, but each connection's socket is opened inside the namespace.
        var ns = NetworkNamespace;
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = NetworkNamespaces.CreateSocket(ns);
                try
                {
                    await socket.ConnectAsync(new IPEndPoint(IPAddress.Parse(context.DnsEndPoint.Host), context.DnsEndPoint.Port), cancellationToken).ConfigureAwait(false);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        var insecureChannel = GrpcChannel.ForAddress($"http://{address}", new GrpcChannelOptions { HttpHandler = handler });
        return (new ZkMitosis.Agent.V1.Agent.AgentClient(insecureChannel), insecureChannel);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: false);
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
    }

    /// <summary>
    /// A published agent executable to test instead of the build's dll (e.g. the Native AOT publish the packages
    /// ship): <c>ZKM_AGENT_EXECUTABLE=/path/zkmitosis-agent dotnet test tests/ZkMitosis.Agent.Tests</c>.
    /// </summary>
    public static string? AgentExecutable => Environment.GetEnvironmentVariable("ZKM_AGENT_EXECUTABLE") is { Length: > 0 } path ? path : null;

    private static Process Launch(string configPath, string? networkNamespace)
    {
        var command = AgentExecutable is { } executable ? new List<string> { executable } : ["dotnet", AgentDll];
        command.AddRange(["--config", configPath]);
        if (networkNamespace is not null)
        {
            // ip netns exec execs the command: the pid we hold is the agent's own.
            command.InsertRange(0, ["ip", "netns", "exec", networkNamespace]);
        }

        var startInfo = new ProcessStartInfo(command[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in command.Skip(1))
        {
            startInfo.ArgumentList.Add(argument);
        }

        return Process.Start(startInfo) ?? throw new InvalidOperationException($"could not start {command[0]}");
    }

    private void Watch()
    {
        void OnLine(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (_output)
            {
                _output.AppendLine(line);
            }

            if (line.Contains("serving gRPC on", StringComparison.Ordinal))
            {
                _ready.TrySetResult();
            }
        }

        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }
}
