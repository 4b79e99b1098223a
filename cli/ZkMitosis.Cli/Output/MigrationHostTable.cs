using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;
using ZkMitosis.Coordinator.Engine;
using ZkMitosis.Coordinator.Plans;

namespace ZkMitosis.Cli.Output;

/// <summary>
/// The live view's state: one row per host of the plan (role, ZooKeeper mode, zxid, sessions, the last gap of its
/// cluster, the step that last acted on it), fed by the run's events, rendered as a Spectre table. Thread-safe: events
/// arrive from the engine's tasks.
/// </summary>
internal sealed class MigrationHostTable
{
    private sealed class Row(string host, string role, string cluster)
    {
        public string Host { get; } = host;
        public string Role { get; } = role;
        public string Cluster { get; } = cluster;
        public string Mode { get; set; } = "-";
        public string Zxid { get; set; } = "-";
        public string Sessions { get; set; } = "-";
        public string Step { get; set; } = "-";
    }

    private readonly Lock _gate = new();
    private readonly List<Row> _rows = [];
    private readonly Dictionary<string, string> _lastGap = new(StringComparer.Ordinal);
    private string _step = "starting";
    private string _last = "";

    public MigrationHostTable(MigrationPlan plan)
    {
        _rows.AddRange(plan.Source.Select(s => new Row(s.ClientEndpoint, $"source {Id(s.Id)}", "source")));
        _rows.AddRange(plan.Destination.Select(d => new Row(d.ClientEndpoint, $"destination {Id(d.Id)}", "destination")));
        _rows.AddRange(plan.Brokers.Select(b => new Row(b.Host, $"broker {Id(b.Id)}", "")));
    }

    /// <summary>Takes one event into the table.</summary>
    public void Apply(MigrationEvent e)
    {
        lock (_gate)
        {
            switch (e.Kind)
            {
                case MigrationEventKind.StepStarted:
                    _step = e.Step ?? _step;
                    break;
                case MigrationEventKind.StepFailed:
                    _step = $"{e.Step} failed";
                    break;
                case MigrationEventKind.Gap when e.Host is not null:
                    _lastGap[e.Host] = $"{(e.GapMilliseconds ?? 0).ToString("0", CultureInfo.InvariantCulture)} ms at {e.At.ToString("HH:mm:ss", CultureInfo.InvariantCulture)}";
                    break;
                case MigrationEventKind.NodeState when Find(e.Host) is { } row:
                    row.Mode = e.Mode ?? e.Message;
                    row.Zxid = e.Zxid is { } zxid and >= 0 ? "0x" + zxid.ToString("x", CultureInfo.InvariantCulture) : "-";
                    row.Sessions = e.Sessions is { } sessions ? sessions.ToString(CultureInfo.InvariantCulture) : row.Sessions;
                    row.Step = e.Step ?? row.Step;
                    break;
            }

            if (e.Kind is MigrationEventKind.Info or MigrationEventKind.Warning)
            {
                if (Find(e.Host) is { } acted)
                {
                    acted.Step = e.Step ?? acted.Step;
                }

                _last = $"{e.At.ToString("HH:mm:ss", CultureInfo.InvariantCulture)} {e.Step} {e.Message}";
            }
        }
    }

    /// <summary>The table as it stands, with the current step as its title and the last message as its caption.</summary>
    public IRenderable Render()
    {
        lock (_gate)
        {
            var table = new Table().Title($"step [bold]{Markup.Escape(_step)}[/]").Caption(Markup.Escape(_last));
            foreach (var column in new[] { "host", "role", "mode", "zxid", "sessions", "last gap", "step" })
            {
                table.AddColumn(column);
            }

            foreach (var row in _rows)
            {
                var gap = row.Cluster.Length > 0 && _lastGap.TryGetValue(row.Cluster, out var g) ? g : "-";
                table.AddRow(Markup.Escape(row.Host), row.Role, Markup.Escape(row.Mode), row.Zxid, row.Sessions, gap, Markup.Escape(row.Step));
            }

            return table;
        }
    }

    /// <summary>The row of <paramref name="host"/>: a server's <c>host:clientPort</c>, or a broker's host.</summary>
    private Row? Find(string? host) =>
        host is null ? null : _rows.FirstOrDefault(r => r.Host == host) ?? _rows.FirstOrDefault(r => r.Host.StartsWith(host + ":", StringComparison.Ordinal));

    private static string Id(int id) => id.ToString(CultureInfo.InvariantCulture);
}
