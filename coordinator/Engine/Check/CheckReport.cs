using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ZkMitosis.Coordinator.Engine.Check;

/// <summary>One file a step will write on a host, with the change as a unified diff.</summary>
/// <param name="Step">The step that writes it (join, switch-broker-N, elect, restart-source).</param>
/// <param name="Kind">zoo.cfg, dynamic, myid or server.properties.</param>
/// <param name="Path">The file on the host (from the agent's own configuration).</param>
/// <param name="Changed">False when the file already holds what the step would write.</param>
/// <param name="Diff">The unified diff from the content before the step to the content after it; empty when unchanged.</param>
public sealed record PlannedFileChange(string Step, string Kind, string Path, bool Changed, string Diff);

/// <summary>What the migration will do to one host.</summary>
/// <param name="Host">The host (the agent's address without its port).</param>
/// <param name="Agent">The agent's <c>host:port</c>.</param>
/// <param name="Role">"source server N", "destination server N" or "broker N".</param>
/// <param name="Files">The files written, in the order the steps write them.</param>
/// <param name="FirewallBackend">iptables or nftables, when rules are added here.</param>
/// <param name="FirewallRules">The rules the cut adds here, in the backend's syntax (removed again by the heal step).</param>
public sealed record HostPlan(string Host, string Agent, string Role, IReadOnlyList<PlannedFileChange> Files, string? FirewallBackend, IReadOnlyList<string> FirewallRules);

/// <summary>
/// What <c>zkmitosis migrate check</c> found: every problem (each would stop or endanger the run), notes (what could not
/// be checked, or is worth knowing), per host the files and firewall rules the run will write, and the order of the
/// restarts.
/// </summary>
public sealed record CheckReport(
    string PlanId,
    string Strategy,
    IReadOnlyList<string> Problems,
    IReadOnlyList<string> Notes,
    IReadOnlyList<HostPlan> Hosts,
    IReadOnlyList<string> RestartOrder)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    /// <summary>True when no problem was found.</summary>
    public bool Clean => Problems.Count == 0;

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Plain text, one finding per line (never wrapped: a grep finds each whole).</summary>
    public string ToText()
    {
        var text = new StringBuilder();
        text.Append("Check of plan ").Append(PlanId).Append(" (strategy ").Append(Strategy).Append(") against the live hosts: ")
            .Append(Clean ? "no problem found" : $"{Problems.Count} problem(s) found").Append('\n');
        if (!Clean)
        {
            text.Append("\nProblems:\n");
            foreach (var problem in Problems)
            {
                text.Append("  - ").Append(problem).Append('\n');
            }
        }

        if (Notes.Count > 0)
        {
            text.Append("\nNotes:\n");
            foreach (var note in Notes)
            {
                text.Append("  - ").Append(note).Append('\n');
            }
        }

        foreach (var host in Hosts)
        {
            text.Append('\n').Append("Host ").Append(host.Host).Append(" (").Append(host.Role).Append(", agent ").Append(host.Agent).Append(")\n");
            if (host.Files.Count == 0 && host.FirewallRules.Count == 0)
            {
                text.Append("  nothing written\n");
            }

            foreach (var file in host.Files)
            {
                text.Append("  ").Append(file.Step).Append(": ").Append(file.Kind).Append(' ').Append(file.Path)
                    .Append(file.Changed ? "" : " (unchanged)").Append('\n');
                foreach (var line in file.Diff.Split('\n', StringSplitOptions.RemoveEmptyEntries))
                {
                    text.Append(("    " + line).TrimEnd()).Append('\n');
                }
            }

            if (host.FirewallRules.Count > 0)
            {
                text.Append("  cut: firewall rules added (").Append(host.FirewallBackend).Append("; removed again by heal)\n");
                foreach (var rule in host.FirewallRules)
                {
                    text.Append("    ").Append(rule).Append('\n');
                }
            }
        }

        text.Append("\nOrder of restarts:\n");
        var number = 0;
        foreach (var restart in RestartOrder)
        {
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"  {++number,2}. {restart}\n");
        }

        return text.ToString();
    }
}
