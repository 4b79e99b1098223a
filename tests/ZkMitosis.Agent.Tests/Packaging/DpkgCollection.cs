namespace ZkMitosis.Agent.Tests.Packaging;

/// <summary>Tests that install packages into this machine with dpkg: one at a time (dpkg holds a lock, and they install the same packages).</summary>
[CollectionDefinition(Name)]
public sealed class DpkgCollection
{
    public const string Name = "dpkg";
}
