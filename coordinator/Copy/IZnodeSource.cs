namespace ZkMitosis.Coordinator.Copy;

/// <summary>
/// Where a walk reads one side's znodes: a live server (<see cref="ZnodeReader"/>) or a chroot read from a source
/// server's data dir by its agent (<see cref="ChrootSnapshot"/>).
/// </summary>
internal interface IZnodeSource
{
    /// <summary>"source" or "target", for messages.</summary>
    string Side { get; }

    /// <summary>The largest data seen so far (bytes), so the walk can size its requests to keep replies bounded.</summary>
    int LargestData { get; }

    /// <summary>The znodes at <paramref name="paths"/>, in order; null for one that does not exist.</summary>
    /// <exception cref="CopyException">a read failed for another reason than the znode's absence.</exception>
    Task<Znode?[]> ReadAsync(IReadOnlyList<string> paths, CancellationToken cancellationToken);

    /// <summary>The bytes reading <paramref name="path"/> adds to one multiRead request; 0 when this side sends none.</summary>
    int RequestBytes(string path);

    /// <summary>The same source for a walk that needs no ACLs (a copy's faithful pass compares versions only).</summary>
    IZnodeSource WithoutAcls();
}
