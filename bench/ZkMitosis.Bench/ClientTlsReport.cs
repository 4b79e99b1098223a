using System.Globalization;
using System.Text;

namespace ZkMitosis.Bench;

/// <summary>The <c>client-tls</c> section of docs/benchmarks.md: both clients over TLS, ours ÷ Java's per load (target ≥ 1).</summary>
internal static class ClientTlsReport
{
    public static string Render(IReadOnlyDictionary<string, double> ours, IReadOnlyDictionary<string, double>? java, string? javaProblem, double seconds, double warmUp, IReadOnlyDictionary<string, string> descriptions)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"`./zkm bench client --tls`: the same three loads as the plain client benchmark above, each client on a fresh local standalone ZooKeeper 3.8 (Debian package, 1 GiB heap) through its Netty `secureClientPort` (PEM key and trust stores, client certificates required, hostname verification on), warmed up by {warmUp:0} s of the same load from our client over TLS, then {seconds:0.#} s per measurement after a 1 s client warm-up. Ours: `SslStream`; Java: Debian's `zookeeper.jar` with `ClientCnxnSocketNetty` and `zookeeper.client.secure=true` (the JDK's TLS), driven by `bench/java/ClientBaseline.java`, in the same run. Load average at the start: {ClientBenchmark.LoadAverage()}.\n\n");
        text.Append("| measurement | ZkMitosis.ZooKeeper | Java client | ratio (ours ÷ Java) | target | client CPU µs/op (ours / Java) | server CPU µs/op (ours) |\n|---|---:|---:|---:|---:|---:|---:|\n");
        foreach (var (name, value) in ours.Where(r => !r.Key.Contains('.', StringComparison.Ordinal)))
        {
            var javaValue = java is not null && java.TryGetValue(name, out var j) ? j : (double?)null;
            var ratio = javaValue is { } v && v > 0 ? value / v : (double?)null;
            var ourCpu = ours.TryGetValue(name + ".cpu", out var oc) ? oc.ToString("0.00", CultureInfo.InvariantCulture) : "n/a";
            var javaCpu = java is not null && java.TryGetValue(name + ".cpu", out var jc) ? jc.ToString("0.00", CultureInfo.InvariantCulture) : "n/a";
            var server = ours.TryGetValue(name + ".server", out var sc) ? sc.ToString("0.00", CultureInfo.InvariantCulture) : "n/a";
            text.Append(CultureInfo.InvariantCulture,
                $"| {descriptions[name]} | {value:N0} | {(javaValue is null ? "n/a" : javaValue.Value.ToString("N0", CultureInfo.InvariantCulture))} | {(ratio is null ? "n/a" : ratio.Value.ToString("0.00", CultureInfo.InvariantCulture) + "×")} | ≥ 1.00× {(ratio is null ? "" : ratio >= 1 ? "✅" : "❌")} | {ourCpu} / {javaCpu} | {server} |\n");
        }

        if (ours.TryGetValue("getData.perSend", out var perSend) && ours.TryGetValue("getData.perReceive", out var perReceive))
        {
            text.Append(CultureInfo.InvariantCulture, $"\nOur getData batching over TLS: {perSend:0.0} requests per socket send, {perReceive:0.0} replies per receive.\n");
        }

        if (javaProblem is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $"\nJava baseline not measured: {javaProblem}\n");
        }

        return text.ToString();
    }
}
