namespace ZkMitosis.Agent.DataDir;

/// <summary>The chroot's tree would take more memory than the reader may use. Maps to RESOURCE_EXHAUSTED.</summary>
public sealed class TreeTooLargeException(string chroot, long estimatedBytes, long limitBytes)
    : Exception($"the tree under {chroot} needs about {estimatedBytes} bytes in memory, more than the {limitBytes} bytes the agent may use for it; read a smaller chroot or copy through the client")
{
    /// <summary>Bytes a node costs beyond its data and path: the Znode, its stat, its dictionary and child-set entries.</summary>
    public const int NodeOverheadBytes = 256;

    /// <summary>Throws when <paramref name="tree"/> holds more than <paramref name="limitBytes"/> by the estimate.</summary>
    public static void ThrowIfOver(ZnodeTree tree, long limitBytes)
    {
        ArgumentNullException.ThrowIfNull(tree);
        var estimate = tree.DataBytes + ((long)tree.Count * NodeOverheadBytes);
        if (estimate > limitBytes)
        {
            throw new TreeTooLargeException(tree.Chroot, estimate, limitBytes);
        }
    }
}
