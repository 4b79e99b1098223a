using Microsoft.Extensions.Options;
using ZkMitosis.Agent.Configuration;
using ZkMitosis.Agent.Processes;

namespace ZkMitosis.Agent.Firewall;

/// <summary>
/// Picks the firewall backend: as configured, or with <c>auto</c> nftables when <c>nft list tables</c> works here, else
/// iptables. Decided once, on first use.
/// </summary>
public sealed class FirewallBackendSelector
{
    private readonly string _configured;
    private readonly ICommandRunner _runner;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private IFirewallBackend? _chosen;

    public FirewallBackendSelector(IOptions<AgentOptions> options, ICommandRunner runner)
    {
        _configured = options.Value.Firewall.Backend;
        _runner = runner;
    }

    /// <summary>The backend chosen so far (null before first use with <c>auto</c>).</summary>
    public string? ChosenName => _chosen?.Name ?? (_configured == "auto" ? null : _configured);

    public async Task<IFirewallBackend> GetAsync(CancellationToken cancellationToken)
    {
        if (_chosen is not null)
        {
            return _chosen;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _chosen ??= _configured switch
            {
                "iptables" => new IptablesFirewall(_runner),
                "nftables" => new NftablesFirewall(_runner),
                _ => await DetectAsync(cancellationToken).ConfigureAwait(false),
            };
            return _chosen;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<IFirewallBackend> DetectAsync(CancellationToken cancellationToken)
    {
        try
        {
            var nft = await _runner.RunAsync("nft", ["list", "tables"], TimeSpan.FromSeconds(10), cancellationToken: cancellationToken).ConfigureAwait(false);
            if (nft.Succeeded)
            {
                return new NftablesFirewall(_runner);
            }
        }
        catch (CommandFailedException)
        {
            // nft is not installed: fall back to iptables.
        }

        return new IptablesFirewall(_runner);
    }
}
