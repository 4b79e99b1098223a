using ZkMitosis.Coordinator.Mirror;

namespace ZkMitosis.Coordinator.Engine.Steps;

/// <summary>
/// Strategy copy's live mirrors of one coordinator process, by chroot: started by the mirror step, drained and
/// stopped by the drain step. They live only as long as the process; a resumed run starts them again (their
/// initial copy is then the catch-up). The engine disposes what is left when the process's run ends.
/// </summary>
internal sealed class CopyMirrors : IAsyncDisposable
{
    private readonly Dictionary<string, TreeMirror> _mirrors = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>The running mirror of <paramref name="chroot"/>, or null.</summary>
    public TreeMirror? Get(string chroot)
    {
        lock (_gate)
        {
            return _mirrors.GetValueOrDefault(chroot);
        }
    }

    /// <summary>Keeps <paramref name="mirror"/> as the mirror of <paramref name="chroot"/>.</summary>
    public void Add(string chroot, TreeMirror mirror)
    {
        lock (_gate)
        {
            _mirrors.Add(chroot, mirror);
        }
    }

    /// <summary>Forgets and stops the mirror of <paramref name="chroot"/>, if any.</summary>
    public async Task RemoveAsync(string chroot)
    {
        TreeMirror? mirror;
        lock (_gate)
        {
            _mirrors.Remove(chroot, out mirror);
        }

        if (mirror is not null)
        {
            await mirror.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Stops every mirror still running: what they applied stays applied.</summary>
    public async ValueTask DisposeAsync()
    {
        List<TreeMirror> left;
        lock (_gate)
        {
            left = [.. _mirrors.Values];
            _mirrors.Clear();
        }

        foreach (var mirror in left)
        {
            await mirror.DisposeAsync().ConfigureAwait(false);
        }
    }
}
