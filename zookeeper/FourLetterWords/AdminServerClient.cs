using System.Net.Http.Headers;
using System.Text.Json;
using ZkMitosis.ZooKeeper.Connection;

namespace ZkMitosis.ZooKeeper.FourLetterWords;

/// <summary>
/// ZooKeeper's AdminServer (<c>http://host:8080/commands/NAME</c>, JSON): the same answers as the four-letter words where
/// only <c>srvr</c> is whitelisted. Results are the four-letter words' types, so callers need not care which path answered.
/// Failures are <see cref="FourLetterWordException"/> with the command name (<c>stats</c>, <c>monitor</c>, …).
/// </summary>
public sealed class AdminServerClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;

    /// <param name="baseAddress">e.g. <c>http://10.0.0.5:8080</c>; the <c>/commands/</c> path is appended.</param>
    /// <param name="timeout">Bound on each command (default 5 s).</param>
    /// <param name="http">Optional client to share; when null the instance owns one.</param>
    public AdminServerClient(Uri baseAddress, TimeSpan? timeout = null, HttpClient? http = null)
    {
        ArgumentNullException.ThrowIfNull(baseAddress);
        BaseAddress = baseAddress;
        Timeout = timeout ?? FourLetterWordClient.DefaultTimeout;
        _ownsHttp = http is null;
        _http = http ?? new HttpClient();
    }

    public Uri BaseAddress { get; }

    public TimeSpan Timeout { get; }

    /// <summary><c>/commands/stats</c> as a <see cref="SrvrResult"/>.</summary>
    public async Task<SrvrResult> SrvrAsync(CancellationToken cancellationToken = default)
    {
        using var json = await CommandAsync("stats", cancellationToken).ConfigureAwait(false);
        var root = json.RootElement;
        var stats = root.TryGetProperty("server_stats", out var s) ? s : throw Malformed("stats", "no server_stats object");
        return new SrvrResult
        {
            Version = String(root, "version"),
            Mode = ZooKeeperServerModes.Parse(String(stats, "server_state")),
            Zxid = Long(stats, "last_processed_zxid"),
            Connections = Long(stats, "num_alive_client_connections"),
            Outstanding = Long(stats, "outstanding_requests"),
            NodeCount = Long(root, "node_count"),
            Received = Long(stats, "packets_received"),
            Sent = Long(stats, "packets_sent"),
            LatencyMin = Long(stats, "min_latency"),
            LatencyAvg = stats.TryGetProperty("avg_latency", out var avg) && avg.ValueKind == JsonValueKind.Number ? avg.GetDouble() : 0,
            LatencyMax = Long(stats, "max_latency"),
        };
    }

    /// <summary><c>/commands/monitor</c> as a <see cref="MntrResult"/> (keys given mntr's <c>zk_</c> prefix).</summary>
    public async Task<MntrResult> MntrAsync(CancellationToken cancellationToken = default)
    {
        using var json = await CommandAsync("monitor", cancellationToken).ConfigureAwait(false);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in json.RootElement.EnumerateObject())
        {
            if (property.Name is "command" or "error")
            {
                continue;
            }

            values["zk_" + property.Name] = Scalar(property.Value);
        }

        return values.ContainsKey("zk_server_state") ? new MntrResult(values) : throw Malformed("monitor", "no server_state");
    }

    /// <summary><c>/commands/connections</c> as a <see cref="ConsResult"/>.</summary>
    public async Task<ConsResult> ConsAsync(CancellationToken cancellationToken = default)
    {
        using var json = await CommandAsync("connections", cancellationToken).ConfigureAwait(false);
        var connections = new List<ClientConnectionInfo>();
        foreach (var name in new[] { "connections", "secure_connections" })
        {
            if (!json.RootElement.TryGetProperty(name, out var list) || list.ValueKind != JsonValueKind.Array)
            {
                continue;
            }

            foreach (var item in list.EnumerateArray())
            {
                connections.Add(ToConnection(item));
            }
        }

        return new ConsResult(connections);
    }

    /// <summary><c>/commands/configuration</c> as a <see cref="ConfResult"/> (keys in conf's camelCase where they differ).</summary>
    public async Task<ConfResult> ConfAsync(CancellationToken cancellationToken = default)
    {
        using var json = await CommandAsync("configuration", cancellationToken).ConfigureAwait(false);
        var entries = new List<KeyValuePair<string, string>>();
        foreach (var property in json.RootElement.EnumerateObject())
        {
            if (property.Name is "command" or "error")
            {
                continue;
            }

            entries.Add(new(CamelCase(property.Name), Scalar(property.Value)));
        }

        return new ConfResult(entries);
    }

    /// <summary>Runs <c>/commands/<paramref name="command"/></c> and returns its JSON when <c>error</c> is null.</summary>
    public async Task<JsonDocument> CommandAsync(string command, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(command);
        var uri = new Uri(BaseAddress, "/commands/" + Uri.EscapeDataString(command));
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(Timeout);
        JsonDocument json;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            using var response = await _http.SendAsync(request, timeoutSource.Token).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(timeoutSource.Token).ConfigureAwait(false);
            if (FourLetterWordReply.Refusal(body) == FourLetterWordFailure.NotServing)
            {
                throw Failure(command, FourLetterWordFailure.NotServing, "the server is not currently serving requests (electing, or cut off from its quorum)");
            }

            try
            {
                json = JsonDocument.Parse(body);
            }
            catch (JsonException e)
            {
                throw Failure(command, FourLetterWordFailure.Malformed, $"HTTP {(int)response.StatusCode}, not JSON: {SrvrResult.Shorten(body)}", e);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw Failure(command, FourLetterWordFailure.Timeout, $"no reply within {Timeout.TotalMilliseconds:0} ms");
        }
        catch (HttpRequestException e)
        {
            throw Failure(command, FourLetterWordFailure.Unreachable, e.Message, e);
        }

        if (json.RootElement.ValueKind != JsonValueKind.Object)
        {
            json.Dispose();
            throw Malformed(command, "the reply is not a JSON object");
        }

        if (json.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String)
        {
            var message = error.GetString() ?? "";
            json.Dispose();
            throw Failure(command, FourLetterWordFailure.Malformed, message);
        }

        return json;
    }

    public void Dispose()
    {
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }

    private static ClientConnectionInfo ToConnection(JsonElement item)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in item.EnumerateObject())
        {
            fields[property.Name] = Scalar(property.Value);
        }

        // remote_socket_address is "/1.2.3.4:5678" (or "ip:port"); the session id is a hex string "0x…".
        var remote = fields.GetValueOrDefault("remote_socket_address") ?? "";
        var endpoint = HostEndpoint.FromSocketAddress(remote);
        var session = fields.GetValueOrDefault("session_id");
        return new ClientConnectionInfo
        {
            Address = endpoint?.Host ?? remote.TrimStart('/'),
            Port = endpoint?.Port ?? 0,
            SessionId = string.IsNullOrEmpty(session) ? 0 : SrvrResult.ParseZxid(session),
            Queued = SrvrResult.ParseLong(fields.GetValueOrDefault("outstanding_requests")),
            Received = SrvrResult.ParseLong(fields.GetValueOrDefault("packets_received")),
            Sent = SrvrResult.ParseLong(fields.GetValueOrDefault("packets_sent")),
            TimeoutMs = SrvrResult.ParseLong(fields.GetValueOrDefault("session_timeout")),
            Fields = fields,
            Raw = item.GetRawText(),
        };
    }

    private static string CamelCase(string snake)
    {
        var parts = snake.Split('_');
        return parts[0] + string.Concat(parts.Skip(1).Select(p => p.Length == 0 ? p : char.ToUpperInvariant(p[0]) + p[1..]));
    }

    private static string Scalar(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString() ?? "",
        JsonValueKind.Null => "",
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => value.GetRawText(),
    };

    private static string String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() ?? "" : "";

    private static long Long(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) ? number : 0;

    private FourLetterWordException Malformed(string command, string problem) => Failure(command, FourLetterWordFailure.Malformed, problem);

    private FourLetterWordException Failure(string command, FourLetterWordFailure failure, string problem, Exception? inner = null) =>
        new(BaseAddress.Host, BaseAddress.Port, command, failure, problem, inner);
}
