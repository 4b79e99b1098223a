using System.CommandLine;
using System.Net;
using ZkMitosis.Coordinator.Metrics;

namespace ZkMitosis.Cli.Commands;

/// <summary><c>--metrics-listen ADDRESS:PORT</c> of <c>migrate run|resume|abort</c>: Prometheus text at /metrics while the command runs.</summary>
internal static class MigrateMetrics
{
    /// <summary>The option; a malformed value is a parse error (one line, exit 2) before anything runs.</summary>
    public static Option<IPEndPoint?> ListenOption() => new("--metrics-listen")
    {
        Description = "serve Prometheus metrics at http://ADDRESS:PORT/metrics while the command runs (e.g. 127.0.0.1:9464, [::1]:9464)",
        CustomParser = result =>
        {
            var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : null;
            if (MetricsListenAddress.TryParse(text, out var endpoint, out var problem))
            {
                return endpoint;
            }

            result.AddError($"--metrics-listen: {problem}");
            return null;
        },
    };

    /// <summary>Starts serving when <paramref name="endpoint"/> is set; null otherwise.</summary>
    /// <exception cref="MetricsListenException">the address cannot be listened on (reported as one line, exit 2; nothing ran).</exception>
    public static Served? Start(IPEndPoint? endpoint)
    {
        if (endpoint is null)
        {
            return null;
        }

        var metrics = new MigrationMetrics();
        var listener = MetricsListener.Start(endpoint, metrics.Registry);
        // On stderr: stdout may be the JSON lines of --output json.
        Console.Error.WriteLine(IPAddress.IsLoopback(endpoint.Address)
            ? $"zkmitosis: metrics at http://{MetricsListener.Format(listener.Endpoint)}/metrics"
            : $"zkmitosis: metrics at http://{MetricsListener.Format(listener.Endpoint)}/metrics, plain HTTP without authentication, reachable from other hosts");
        return new Served(metrics, listener);
    }

    /// <summary>The metrics of one command and their listener, closed when the command ends.</summary>
    internal sealed class Served(MigrationMetrics metrics, MetricsListener listener) : IAsyncDisposable
    {
        public MigrationMetrics Metrics { get; } = metrics;

        public ValueTask DisposeAsync() => listener.DisposeAsync();
    }
}
