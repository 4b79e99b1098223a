namespace ZkMitosis.Coordinator.Agents;

/// <summary>
/// How the coordinator (or the CLI, or the lab) reaches agents: the CA that signed the agents' server certificates and
/// this side's client certificate and key (PEM files), or <see cref="Insecure"/> for agents run with <c>Insecure: true</c>.
/// </summary>
public sealed record AgentTlsSettings
{
    /// <summary>PEM of the CA the agents' certificates must chain to (only this CA is trusted).</summary>
    public string? CaCertificatePath { get; init; }

    public string? ClientCertificatePath { get; init; }

    public string? ClientKeyPath { get; init; }

    /// <summary>Plain HTTP/2 without TLS (labs and tests only). Default false.</summary>
    public bool Insecure { get; init; }

    public static AgentTlsSettings InsecureLab { get; } = new() { Insecure = true };
}
