namespace ZkMitosis.Coordinator.Smoketest;

/// <summary>What a smoketest checks. Defaults: 1,000 znodes of 100 bytes per latency phase, 1,000 in flight when pipelined.</summary>
public sealed record SmoketestOptions
{
    /// <summary>Servers as <c>host:port</c>; each gets its own session.</summary>
    public required IReadOnlyList<string> Servers { get; init; }

    /// <summary>Znodes per latency phase. Default 1000; 0 skips the latency phases.</summary>
    public int ZnodeCount { get; init; } = 1000;

    /// <summary>Bytes of data per znode. Default 100.</summary>
    public int ZnodeSize { get; init; } = 100;

    /// <summary>Requests in flight in the pipelined phases. Default 1000.</summary>
    public int InFlight { get; init; } = 1000;

    /// <summary>Parent of the smoketest's znodes. Default <c>/zkmitosis-smoketest</c>.</summary>
    public string BasePath { get; init; } = "/zkmitosis-smoketest";

    /// <summary>Bound on connecting, on each check and on a watch firing. Default 10 s.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Run the synchronous (one at a time) latency phases. Default true.</summary>
    public bool Synchronous { get; init; } = true;

    /// <summary>Run the pipelined latency phases. Default true.</summary>
    public bool Pipelined { get; init; } = true;

    /// <summary>TLS and SASL for every session; null: plain TCP, no SASL.</summary>
    public ZkMitosis.ZooKeeper.Security.ZooKeeperSecurity? Security { get; init; }
}
