using System.Net;
using System.Security.Authentication;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Prometheus;
using Serilog;
using Serilog.Events;
using ZkMitosis.Agent.Barriers;
using ZkMitosis.Agent.Configuration;
using ZkMitosis.Agent.Diagnostics;
using ZkMitosis.Agent.Files;
using ZkMitosis.Agent.Firewall;
using ZkMitosis.Agent.Grpc;
using ZkMitosis.Agent.Processes;
using ZkMitosis.Agent.Services;
using ZkMitosis.Agent.State;
using ZkMitosis.Agent.Status;

namespace ZkMitosis.Agent.Hosting;

/// <summary>Wires the agent: Kestrel (gRPC over mTLS + monitoring), services, logging, systemd.</summary>
public static class AgentHost
{
    public static WebApplication Build(string[] args, string configPath, IConfigurationRoot fileConfiguration, AgentOptions options)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.Services.AddSystemd();
        builder.Services.AddSerilog(ConfigureSerilog);

        builder.Services.AddOptions<AgentOptions>().Bind(fileConfiguration, AgentConfiguration.Bind).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<AgentOptions>, AgentOptionsAttributeValidator>();
        builder.Services.AddSingleton<IValidateOptions<AgentOptions>, AgentOptionsValidator>();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<AgentClock>();
        builder.Services.AddSingleton<ICommandRunner, CommandRunner>();
        builder.Services.AddSingleton<AtomicFileWriter>();
        builder.Services.AddSingleton<ZooKeeperPaths>();
        builder.Services.AddSingleton<ZooCfgSecurity>();
        builder.Services.AddSingleton<ZooKeeperFiles>();
        builder.Services.AddSingleton<ILocalZooKeeper, LocalZooKeeper>();
        builder.Services.AddSingleton<ServiceBackendFactory>();
        builder.Services.AddSingleton<ServiceController>();
        builder.Services.AddSingleton<FirewallBackendSelector>();
        builder.Services.AddSingleton<IAgentStateStore, FileAgentStateStore>();
        builder.Services.AddSingleton<LeaseManager>();
        builder.Services.AddSingleton<OperationGate>();
        builder.Services.AddSingleton<BarrierRegistry>();
        builder.Services.AddSingleton<AgentStateMetrics>();
        builder.Services.AddGrpc(grpc =>
        {
            grpc.Interceptors.Add<AgentServerInterceptor>();
            grpc.EnableDetailedErrors = false;
        });
        builder.Services.AddHealthChecks().AddCheck<StateDirectoryHealthCheck>("state-directory");
        builder.Services.AddGrpcHealthChecks().AddCheck<StateDirectoryHealthCheck>("agent");

        var clientValidator = options.Insecure ? null : ClientCertificateValidator.FromPemFile(options.Tls.ClientCaPath!);
        var serverCertificate = options.Insecure ? null : TlsMaterial.LoadServerCertificate(options.Tls, configPath);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(IPAddress.Parse(options.ListenAddress), options.ListenPort, listen =>
            {
                listen.Protocols = HttpProtocols.Http2;
                if (serverCertificate is not null)
                {
                    listen.UseHttps(https =>
                    {
                        https.ServerCertificate = serverCertificate;
                        https.SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13;
                        https.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
                        https.ClientCertificateValidation = (certificate, _, _) =>
                        {
                            var problem = clientValidator!.Problem(certificate);
                            if (problem is not null)
                            {
                                AgentLog.ClientCertificateRefused(kestrel.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger("ZkMitosis.Agent.Tls"), certificate.Subject, certificate.Issuer, problem);
                            }

                            return problem is null;
                        };
                    });
                }
            });
            if (options.MonitoringPort != 0)
            {
                kestrel.Listen(IPAddress.Parse(options.MonitoringAddress), options.MonitoringPort, listen => listen.Protocols = HttpProtocols.Http1);
            }
        });

        var app = builder.Build();
        if (options.IsZooKeeper)
        {
            // Resolved once, at start: the dynamic config file a zoo.cfg names is taken from the file as it is now, before any caller wrote it.
            app.Services.GetRequiredService<ZooKeeperPaths>();
        }

        try
        {
            // Made here, not by the readiness check (which writes nothing); if it cannot be made, /readyz says why.
            Directory.CreateDirectory(options.StateDirectory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Not ready until it exists and is writable; the agent still starts so that monitoring can report it.
        }
        var monitoringPort = options.MonitoringPort;
        // Each port serves only its own endpoints: monitoring never exposes the API, the mTLS port never the metrics.
        app.Use(async (context, next) =>
        {
            var onMonitoring = monitoringPort != 0 && context.Connection.LocalPort == monitoringPort;
            var monitoringPath = context.Request.Path.Value is "/healthz" or "/readyz" or "/metrics";
            if (onMonitoring != monitoringPath)
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            await next(context).ConfigureAwait(false);
        });
        app.MapGrpcService<AgentService>();
        app.MapGrpcHealthChecksService();
        app.MapGet("/healthz", () => Results.Text("ok\n"));
        app.MapHealthChecks("/readyz", new HealthCheckOptions());
        app.MapMetrics("/metrics");
        app.Services.GetRequiredService<AgentStateMetrics>().Register();

        // Before serving: what an earlier process accepted and did not finish is interrupted, and the barriers it armed
        // are gone with it.
        var gate = app.Services.GetRequiredService<OperationGate>();
        var records = gate.MarkInterrupted();
        app.Services.GetRequiredService<BarrierRegistry>().RememberArmsLostByRestart(records);
        gate.PruneFinished();

        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("ZkMitosis.Agent");
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            if (options.Insecure)
            {
                AgentLog.InsecureMode(logger, configPath, options.ListenAddress, options.ListenPort);
            }

            AgentLog.Started(logger, AgentService.AgentVersion, options.Role, options.EffectiveHostName, options.ListenAddress, options.ListenPort,
                options.Insecure ? "h2c, INSECURE" : "TLS, client certificates required", options.MonitoringAddress, options.MonitoringPort);
        });
        return app;
    }

    private static void ConfigureSerilog(LoggerConfiguration configuration)
    {
        // Under systemd, journald stamps every line and keeps the level; elsewhere (the lab) a timestamp helps.
        var underJournald = Environment.GetEnvironmentVariable("JOURNAL_STREAM") is not null;
        var template = underJournald
            ? "[{Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}"
            : "{Timestamp:yyyy-MM-ddTHH:mm:ss.fffZ} [{Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}";
        configuration
            .MinimumLevel.Information()
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.Hosting.Lifetime", LogEventLevel.Information)
            .MinimumLevel.Override("Grpc", LogEventLevel.Warning)
            .WriteTo.Console(outputTemplate: template, formatProvider: System.Globalization.CultureInfo.InvariantCulture);
    }
}

/// <summary>
/// Ready when the state directory is writable: operation records must be persisted before acting. The store checks
/// without writing a file (<see cref="IAgentStateStore.ProbeWritable"/>).
/// </summary>
public sealed class StateDirectoryHealthCheck : IHealthCheck
{
    private readonly IAgentStateStore _store;
    private readonly string _directory;

    public StateDirectoryHealthCheck(IAgentStateStore store, IOptions<AgentOptions> options)
    {
        _store = store;
        _directory = options.Value.StateDirectory;
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(_store.ProbeWritable()
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy($"state directory {_directory} is not writable"));
}
