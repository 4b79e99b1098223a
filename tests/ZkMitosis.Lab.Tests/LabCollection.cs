namespace ZkMitosis.Lab.Tests;

/// <summary>Lab integration tests run one at a time: each lab is several JVMs on a 2-core machine.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LabCollection
{
    public const string Name = "lab";
}
