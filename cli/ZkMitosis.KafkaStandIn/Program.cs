using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using ZkMitosis.KafkaStandIn;
using ZkMitosis.KafkaStandIn.TenantHosts;

// The Kafka broker STAND-IN (lab and tests only; not a Kafka broker).
//   zkmitosis-kafka-standin --config server.properties [--jaas FILE] [--state FILE] [--write-interval-ms 200]
//     (--jaas stands in for Kafka's -Djava.security.auth.login.config: SASL DIGEST-MD5 with its Client section;
//      TLS comes from server.properties' zookeeper.ssl.* keys, ACLs from zookeeper.set.acl, as a broker reads them)
//   zkmitosis-kafka-standin solr|hbase|clickhouse --config FILE --name NAME [--table /tables/t1] [--state FILE] [--write-interval-ms 200]
//     (a tenant-host STAND-IN: reads solr.in.sh / hbase-site.xml / ClickHouse's config.xml as the product does)
//   zkmitosis-kafka-standin tenant-writer --connect HOSTS --root /other --state FILE [--session-timeout-ms 10000] [--write-interval-ms 200]
//     [--jaas FILE] [--tls-ca FILE [--tls-keystore FILE]]   (the key store: PEM private key and certificate in one file)
// A refused login or certificate logs one line, records it as the state file's lastError and exits 1.
// SIGTERM or SIGINT closes the session (its ephemerals go at once) and exits 0.
using var loggerFactory = LoggerFactory.Create(builder => builder.AddSimpleConsole(o =>
{
    o.SingleLine = true;
    o.TimestampFormat = "yyyy-MM-dd HH:mm:ss.fff ";
    o.UseUtcTimestamp = true;
}));
var logger = loggerFactory.CreateLogger("KafkaBrokerStandIn");
using var shutdown = new CancellationTokenSource();
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => { context.Cancel = true; shutdown.Cancel(); });
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => { context.Cancel = true; shutdown.Cancel(); });

try
{
    var options = StandInArguments.Parse(args);
    var previous = StandInState.TryLoad(options.StatePath);
    StateStore state;
    Func<CancellationToken, Task> run;
    if (options.TenantWriter)
    {
        var connect = options.Connect!;
        var security = StandInSecurity.ForTenantWriter(options);
        state = new StateStore(options.StatePath, Continue(previous, "tenant-writer", null, connect, TenantWriter.WritePathPrefix(options.Root!)));
        StandInLog.Starting(logger, "other tenant writer", connect, options.SessionTimeoutMs, options.StatePath);
        run = token => new TenantWriter(connect, options.Root!, TimeSpan.FromMilliseconds(options.SessionTimeoutMs), options.WriteInterval, security, state, logger).RunAsync(token);
    }
    else if (options.Product is { } product)
    {
        var connect = await ProductConnect.LoadAsync(product, options.ConfigPath!, shutdown.Token);
        var kind = TenantHostStandIn.KindOf(product);
        state = new StateStore(options.StatePath, Continue(previous, kind, null, connect.ConnectString, TenantHostStandIn.WritePathPrefix(product, options.Name!, options.Table)));
        StandInLog.Starting(logger, kind + " " + options.Name, connect.ConnectString, connect.SessionTimeoutMs, options.StatePath);
        run = token => new TenantHostStandIn(product, connect, options.Name!, options.Table, state, options.WriteInterval, logger).RunAsync(token);
    }
    else
    {
        var properties = ServerProperties.Load(options.ConfigPath!);
        var security = StandInSecurity.ForBroker(properties, options);
        state = new StateStore(options.StatePath, Continue(previous, "kafka-broker-stand-in", properties.BrokerId, properties.ConnectString, KafkaBrokerStandIn.WritePathPrefix(properties.BrokerId)));
        StandInLog.Starting(logger, "Kafka broker " + properties.BrokerId.ToString(CultureInfo.InvariantCulture), properties.ConnectString, properties.SessionTimeoutMs, options.StatePath);
        run = token => new KafkaBrokerStandIn(properties, security, state, options.WriteInterval, logger).RunAsync(token);
    }

    state.Flush();
    using var flushStop = new CancellationTokenSource();
    var flusher = state.RunFlushLoopAsync(flushStop.Token);
    try
    {
        await run(shutdown.Token);
    }
    catch (OperationCanceledException) when (shutdown.IsCancellationRequested)
    {
        // Clean shutdown.
    }

    StandInLog.Stopping(logger, state.Current.LastAcknowledgedSerial);
    state.Update(s => s with { State = "stopped", Registered = false, IsController = false, SessionId = null, ConnectedServer = null });
    await flushStop.CancelAsync();
    await flusher;
    state.Flush();
    return 0;
}
catch (StandInConfigException e)
{
    await Console.Error.WriteLineAsync("zkmitosis-kafka-standin: " + e.Message);
    return 2;
}
catch (StandInFatalException e)
{
    await Console.Error.WriteLineAsync("zkmitosis-kafka-standin: " + e.Message);
    return 1;
}

// Counters and the serial stream continue across restarts, so verification covers a whole migration.
static StandInState Continue(StandInState? previous, string kind, int? brokerId, string connect, string writePrefix) =>
    (previous ?? new StandInState()) with
    {
        Kind = kind,
        BrokerId = brokerId,
        Pid = Environment.ProcessId,
        StartedAt = DateTimeOffset.UtcNow,
        ProcessStartedAt = ProcessStart(),
        RegisteredAt = null,
        UpdatedAt = DateTimeOffset.UtcNow,
        ConnectString = connect,
        State = "starting",
        SessionId = null,
        ConnectedServer = null,
        Registered = false,
        IsController = false,
        BrokerEpoch = null,
        RegistrationPath = null,
        WritePathPrefix = writePrefix,
        LastError = null,
    };

// The process's own start (the kernel's record), so a start is measured from exec, the runtime's own start included.
static DateTimeOffset? ProcessStart()
{
    try
    {
        using var self = System.Diagnostics.Process.GetCurrentProcess();
        return new DateTimeOffset(self.StartTime.ToUniversalTime(), TimeSpan.Zero);
    }
    catch (Exception e) when (e is InvalidOperationException or NotSupportedException or System.ComponentModel.Win32Exception)
    {
        return null;
    }
}
