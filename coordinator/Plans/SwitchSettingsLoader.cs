using System.Globalization;

namespace ZkMitosis.Coordinator.Plans;

/// <summary>Reads the plan's optional <c>switch:</c> section (docs/plan-format.md), recording every problem with its path.</summary>
internal static class SwitchSettingsLoader
{
    /// <summary>The settings, or null when the plan has no <c>switch:</c> section (one broker at a time, as always).</summary>
    public static SwitchSettings? Parse(YamlFields root)
    {
        var section = root.Mapping("switch", required: false);
        if (section is null)
        {
            return null;
        }

        var settings = new SwitchSettings();
        var batch = section.String("batch", required: true);
        if (batch == "rack")
        {
            settings = settings with { Batching = SwitchBatching.Rack };
        }
        else if (batch is not null)
        {
            if (int.TryParse(batch, NumberStyles.None, CultureInfo.InvariantCulture, out var size) && size is >= 1 and <= SwitchSettings.MaxBrokers)
            {
                settings = settings with { Batching = SwitchBatching.Size, BatchSize = size };
            }
            else
            {
                section.Problem("batch", $"must be rack or a number of brokers from 1 to {SwitchSettings.MaxBrokers}, not {PlanProblem.Quote(batch)}");
            }
        }

        settings = settings with
        {
            MaxUnavailable = section.Int("maxUnavailable", required: false, 1, SwitchSettings.MaxBrokers),
            DefaultMinInsyncReplicas = section.Int("minInsyncReplicas", required: false, 1, 1000) ?? settings.DefaultMinInsyncReplicas,
            BrokerRestart = section.Duration("brokerRestart", SwitchSettings.BrokerRestartBounds),
        };
        section.RejectUnknown();
        return settings;
    }
}
