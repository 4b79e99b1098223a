using ZkMitosis.Coordinator.Journal;
using ZkMitosis.Coordinator.Plans;

namespace ZkMitosis.Coordinator.Engine;

/// <summary>
/// The state directory: one folder per plan id holding the journal, a copy of the plan it runs, side files and
/// the report. Default root: <c>$ZKMITOSIS_STATE_DIR</c>, else <c>/var/lib/zkmitosis/migrations</c> as root,
/// else <c>~/.local/state/zkmitosis/migrations</c>.
/// </summary>
public sealed class MigrationStore(string root)
{
    public string Root { get; } = root;

    public static string DefaultRoot =>
        Environment.GetEnvironmentVariable("ZKMITOSIS_STATE_DIR") is { Length: > 0 } fromEnvironment ? fromEnvironment
        : Environment.UserName == "root" ? "/var/lib/zkmitosis/migrations"
        : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "state", "zkmitosis", "migrations");

    public string PlanDirectory(string planId) => Path.Combine(Root, planId);

    public string JournalPath(string planId) => Path.Combine(PlanDirectory(planId), "journal.jsonl");

    public string PlanCopyPath(string planId) => Path.Combine(PlanDirectory(planId), "plan.yaml");

    public string ReportJsonPath(string planId) => Path.Combine(PlanDirectory(planId), "report.json");

    public string ReportTextPath(string planId) => Path.Combine(PlanDirectory(planId), "report.txt");

    /// <summary>The report page: one self-contained HTML file beside report.json (docs/report.md).</summary>
    public string ReportHtmlPath(string planId) => Path.Combine(PlanDirectory(planId), "report.html");

    /// <summary>Plan ids with a journal, newest first.</summary>
    public IReadOnlyList<string> PlanIds() =>
        !Directory.Exists(Root) ? [] : new DirectoryInfo(Root).GetDirectories()
            .Where(d => File.Exists(Path.Combine(d.FullName, "journal.jsonl")))
            .OrderByDescending(d => File.GetLastWriteTimeUtc(Path.Combine(d.FullName, "journal.jsonl")))
            .Select(d => d.Name).ToList();

    /// <summary>The plan id to act on: the one given, or the only one in the store.</summary>
    public string Resolve(string? planId)
    {
        if (planId is not null)
        {
            if (!PlanValidator.IsPlanId(planId))
            {
                throw new InvalidOperationException($"'{planId}' is not a plan id ([a-z0-9-]{{3,64}})");
            }

            return File.Exists(JournalPath(planId)) ? planId : throw new InvalidOperationException($"no migration {planId} in {Root}");
        }

        var ids = PlanIds();
        return ids.Count switch
        {
            0 => throw new InvalidOperationException($"no migration in {Root}"),
            1 => ids[0],
            _ => throw new InvalidOperationException($"several migrations in {Root} ({string.Join(", ", ids)}): name one"),
        };
    }

    /// <summary>Takes the plan's <see cref="StateDirectoryLock"/>: one coordinator per plan state directory.</summary>
    /// <exception cref="StateDirectoryLockedException">another coordinator holds it.</exception>
    public StateDirectoryLock Lock(string planId) => StateDirectoryLock.Acquire(PlanDirectory(planId));

    /// <summary>Keeps a copy of the plan text beside the journal so resume runs exactly the plan that started.</summary>
    public void SavePlan(string planId, string text)
    {
        Directory.CreateDirectory(PlanDirectory(planId));
        var path = PlanCopyPath(planId);
        if (File.Exists(path) && File.ReadAllText(path) != text && File.Exists(JournalPath(planId)))
        {
            throw new JournalMismatchException($"a migration {planId} already exists in {PlanDirectory(planId)} with another plan text; use resume, or a new plan id");
        }

        File.WriteAllText(path, text);
    }
}
