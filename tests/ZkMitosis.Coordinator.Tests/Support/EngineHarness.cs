using ZkMitosis.Coordinator.Engine;
using ZkMitosis.Coordinator.Journal;
using ZkMitosis.Coordinator.Plans;
using ZkMitosis.Testing;

namespace ZkMitosis.Coordinator.Tests.Support;

/// <summary>A plan, a fake world, a journal on disk and a way to build engines over them (one per "process").</summary>
internal sealed class EngineHarness : IDisposable
{
    private readonly TestDirectory _directory = new("engine");

    public EngineHarness(string planText)
    {
        Plan = PlanLoader.Load(planText);
        World = new FakeWorld(Plan);
    }

    /// <summary>A second operator's coordinator: the same hosts (<paramref name="world"/>), its own state dir and journal.</summary>
    public EngineHarness(string planText, FakeWorld world)
    {
        Plan = PlanLoader.Load(planText);
        World = world;
    }

    public MigrationPlan Plan { get; }
    public FakeWorld World { get; }
    public List<MigrationEvent> Events { get; } = [];

    /// <summary>Asked before each batch of a batched switch; null: no pause (as without <c>--approve-each-batch</c>).</summary>
    public IConfirmation? BatchApproval { get; set; }
    public string JournalPath => Path.Combine(_directory.Path, "journal.jsonl");

    /// <summary>A coordinator process as <c>migrate run</c> starts it (it never takes a lease over).</summary>
    public async Task RunAsync(bool confirm = true)
    {
        using var journal = FileJournal.Open(JournalPath);
        await new MigrationEngine(Services(journal, confirm, CoordinatorMode.Run)).RunAsync(CancellationToken.None);
    }

    /// <summary>A coordinator process as <c>migrate resume</c> starts it.</summary>
    public async Task ResumeAsync(bool confirm = true)
    {
        using var journal = FileJournal.Open(JournalPath);
        await new MigrationEngine(Services(journal, confirm, CoordinatorMode.Resume)).RunAsync(CancellationToken.None);
    }

    public async Task AbortAsync()
    {
        using var journal = FileJournal.Open(JournalPath);
        await new MigrationAborter(Services(journal, false, CoordinatorMode.Abort)).AbortAsync(CancellationToken.None);
    }

    /// <summary>A step context over this harness's journal (for effect tests); dispose the journal after.</summary>
    public (StepContext Context, FileJournal Journal) Step(string stepId, int attempt = 1)
    {
        var journal = FileJournal.Open(JournalPath);
        var services = Services(journal, false, CoordinatorMode.Run);
        services.RunId = "run-test";
        return (new StepContext(services, stepId, attempt), journal);
    }

    public JournalState State => JournalState.From(FileJournal.ReadAll(JournalPath));

    private MigrationServices Services(IMigrationJournal journal, bool confirm, CoordinatorMode mode) => new()
    {
        Mode = mode,
        Plan = Plan,
        Journal = journal,
        Agents = World,
        Inspector = World,
        Confirmation = new FixedConfirmation(confirm),
        Events = new ListEvents(Events),
        StateDirectory = _directory.Path,
        BatchApproval = BatchApproval,
        ResolveHost = World.ResolveAsync,
    };

    public void Dispose() => _directory.Dispose();

    private sealed class ListEvents(List<MigrationEvent> events) : IMigrationEvents
    {
        public void Publish(MigrationEvent migrationEvent)
        {
            lock (events)
            {
                events.Add(migrationEvent);
            }
        }
    }
}
