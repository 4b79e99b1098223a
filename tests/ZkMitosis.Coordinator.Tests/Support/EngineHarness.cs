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

    public MigrationPlan Plan { get; }
    public FakeWorld World { get; }
    public List<MigrationEvent> Events { get; } = [];
    public string JournalPath => Path.Combine(_directory.Path, "journal.jsonl");

    public async Task RunAsync(bool confirm = true)
    {
        using var journal = FileJournal.Open(JournalPath);
        await new MigrationEngine(Services(journal, confirm)).RunAsync(CancellationToken.None);
    }

    public async Task AbortAsync()
    {
        using var journal = FileJournal.Open(JournalPath);
        await new MigrationAborter(Services(journal, false)).AbortAsync(CancellationToken.None);
    }

    public JournalState State => JournalState.From(FileJournal.ReadAll(JournalPath));

    private MigrationServices Services(IMigrationJournal journal, bool confirm) => new()
    {
        Plan = Plan,
        Journal = journal,
        Agents = World,
        Inspector = World,
        Confirmation = new FixedConfirmation(confirm),
        Events = new ListEvents(Events),
        StateDirectory = _directory.Path,
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
