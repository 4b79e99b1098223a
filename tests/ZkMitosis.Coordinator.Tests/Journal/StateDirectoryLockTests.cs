using ZkMitosis.Coordinator.Journal;
using ZkMitosis.Testing;

namespace ZkMitosis.Coordinator.Tests.Journal;

/// <summary>
/// The state directory's flock within one process (two opens are two open file descriptions, which exclude each
/// other as two processes do); between processes: ZkMitosis.Cli.Tests' CoordinatorLockTests.
/// </summary>
public sealed class StateDirectoryLockTests : IDisposable
{
    private readonly TestDirectory _directory = new("state-lock");

    [Fact]
    public void Acquire_WhileHeld_RefusedNamingTheHolder_ThenFreeAfterDispose()
    {
        var held = StateDirectoryLock.Acquire(_directory.Path);

        var refused = Assert.Throws<StateDirectoryLockedException>(() => StateDirectoryLock.Acquire(_directory.Path));

        Assert.Contains($"host {Environment.MachineName}, pid {Environment.ProcessId}, since ", refused.Holder, StringComparison.Ordinal);
        Assert.Contains(refused.Holder, refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', refused.Message);
        held.Dispose();
        using var again = StateDirectoryLock.Acquire(_directory.Path);
    }

    [Fact]
    public void Acquire_StaleHolderLineFromACrash_Replaced()
    {
        File.WriteAllText(Path.Combine(_directory.Path, StateDirectoryLock.FileName), "host gone, pid 1, since 2020-01-01T00:00:00Z and a longer tail\n");

        var held = StateDirectoryLock.Acquire(_directory.Path);
        held.Dispose();

        // Read after release: .NET's own readers take a shared flock, which the holder's exclusive one refuses.
        var holder = File.ReadAllText(held.Path);
        Assert.Equal($"pid {Environment.ProcessId}", holder.Split(", ")[1]);
        Assert.DoesNotContain("tail", holder, StringComparison.Ordinal);
    }

    public void Dispose() => _directory.Dispose();
}
