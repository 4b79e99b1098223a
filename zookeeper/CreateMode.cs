namespace ZkMitosis.ZooKeeper;

/// <summary>
/// How a znode is created. Container and TTL nodes need ZooKeeper 3.5+; TTL nodes also need the server option
/// <c>zookeeper.extendedTypesEnabled=true</c> (else the server answers Unimplemented).
/// </summary>
public enum CreateMode
{
    Persistent,
    Ephemeral,
    PersistentSequential,
    EphemeralSequential,
    Container,
    PersistentWithTtl,
    PersistentSequentialWithTtl,
}
