using ZkMitosis.Coordinator.Engine;

namespace ZkMitosis.Cli.Commands;

/// <summary><c>migrate run --stress N</c>: the stress workload inside the migration (wired once the stress engine lands).</summary>
internal static class MigrateStress
{
    public static MigrationRunOptions Attach(MigrationRunOptions options, int sessions)
    {
        _ = sessions;
        throw new InvalidOperationException("--stress is not available in this build yet");
    }
}
