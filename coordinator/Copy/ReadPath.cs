namespace ZkMitosis.Coordinator.Copy;

/// <summary>How a tree walk reads znodes.</summary>
public enum ReadPath
{
    /// <summary>multiRead (ZooKeeper 3.6+): one request reads data and children of many znodes; the client falls back to single reads on older servers.</summary>
    MultiRead,

    /// <summary>Single getData/getChildren/getACL requests, many in flight on the connection (any server version).</summary>
    PerOp,
}
