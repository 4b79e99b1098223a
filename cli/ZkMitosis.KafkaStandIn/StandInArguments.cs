using System.Globalization;

namespace ZkMitosis.KafkaStandIn;

/// <summary>The stand-in's command line.</summary>
internal sealed record StandInArguments
{
    public bool TenantWriter { get; init; }

    public string? ConfigPath { get; init; }

    public string StatePath { get; init; } = "standin-state.json";

    public string? Connect { get; init; }

    public string? Root { get; init; }

    public int SessionTimeoutMs { get; init; } = 10000;

    public TimeSpan WriteInterval { get; init; } = KafkaBrokerStandIn.DefaultWriteInterval;

    public static StandInArguments Parse(IReadOnlyList<string> args)
    {
        var result = new StandInArguments();
        var start = 0;
        if (args.Count > 0 && args[0] == "tenant-writer")
        {
            result = result with { TenantWriter = true };
            start = 1;
        }

        for (var i = start; i < args.Count; i++)
        {
            var value = i + 1 < args.Count ? args[i + 1] : throw new StandInConfigException($"{args[i]} needs a value");
            result = args[i] switch
            {
                "--config" => result with { ConfigPath = value },
                "--state" => result with { StatePath = value },
                "--connect" => result with { Connect = value },
                "--root" => result with { Root = value },
                "--session-timeout-ms" => result with { SessionTimeoutMs = PositiveInt(args[i], value) },
                "--write-interval-ms" => result with { WriteInterval = TimeSpan.FromMilliseconds(PositiveInt(args[i], value)) },
                _ => throw new StandInConfigException($"unknown argument '{args[i]}'"),
            };
            i++;
        }

        if (result.TenantWriter && (result.Connect is null || result.Root is null))
        {
            throw new StandInConfigException("tenant-writer needs --connect HOSTS and --root PATH");
        }

        if (!result.TenantWriter && result.ConfigPath is null)
        {
            throw new StandInConfigException("--config server.properties is required");
        }

        if (!result.TenantWriter && result.StatePath == "standin-state.json")
        {
            result = result with { StatePath = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(result.ConfigPath!))!, "standin-state.json") };
        }

        return result;
    }

    private static int PositiveInt(string name, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > 0
            ? number
            : throw new StandInConfigException($"{name} '{value}' is not a positive integer");
}
