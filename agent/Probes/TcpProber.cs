using System.Diagnostics;
using System.Net.Sockets;

namespace ZkMitosis.Agent.Probes;

/// <summary>What a TCP connect attempt met.</summary>
public enum ProbeOutcomeKind
{
    Open,
    Refused,
    Timeout,
    Unreachable,
}

/// <summary>One probe's result.</summary>
public sealed record TcpProbeResult(string Host, int Port, ProbeOutcomeKind Outcome, TimeSpan Elapsed, string Detail);

/// <summary>TCP connect probes from this host (its network namespace): open | refused | timeout | unreachable.</summary>
public static class TcpProber
{
    public static async Task<TcpProbeResult> ProbeAsync(string host, int port, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(host, port, timeoutSource.Token).ConfigureAwait(false);
            return new TcpProbeResult(host, port, ProbeOutcomeKind.Open, stopwatch.Elapsed, "connected");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new TcpProbeResult(host, port, ProbeOutcomeKind.Timeout, stopwatch.Elapsed, $"no answer within {timeout.TotalMilliseconds:0} ms");
        }
        catch (SocketException e)
        {
            var outcome = e.SocketErrorCode switch
            {
                SocketError.ConnectionRefused => ProbeOutcomeKind.Refused,
                SocketError.TimedOut => ProbeOutcomeKind.Timeout,
                _ => ProbeOutcomeKind.Unreachable,
            };
            return new TcpProbeResult(host, port, outcome, stopwatch.Elapsed, e.SocketErrorCode + ": " + e.Message);
        }
    }

    /// <summary>Probes every target in parallel.</summary>
    public static Task<TcpProbeResult[]> ProbeAllAsync(IEnumerable<(string Host, int Port)> targets, TimeSpan timeout, CancellationToken cancellationToken) =>
        Task.WhenAll(targets.Select(t => ProbeAsync(t.Host, t.Port, timeout, cancellationToken)));
}
