using System.Text.RegularExpressions;
using ZkMitosis.Coordinator.Engine;

namespace ZkMitosis.Coordinator.Tests.Model;

/// <summary>
/// The model's first-wave rule is the one <see cref="ElectionOrder"/> implements: for every input the verifier
/// explores (printed by the model itself, -DPRINT_WAVES), Decide picks the same first wave, or refuses where the
/// model starts nothing. Change one without the other and this fails.
/// </summary>
public sealed partial class ElectionModelWaveRuleTests
{
    [Theory]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(7)]
    public void FirstWave_EveryModelInput_ElectionOrderPicksTheSameNodes(int nodes)
    {
        var printed = SpinModel.Simulate(nodes, "PRINT_WAVES");

        var inputs = 0;
        foreach (var line in printed.Split('\n'))
        {
            // spin pads every printed value with spaces; without them a line reads wavee=121z=113first=0,2
            var match = WaveLine().Match(string.Concat(line.Where(c => !char.IsWhiteSpace(c))));
            if (!match.Success)
            {
                continue;
            }

            inputs++;
            var epochs = match.Groups["e"].Value;
            var zxids = match.Groups["z"].Value;
            var zxidsOnDisk = Enumerable.Range(0, nodes).Select(i => new NodeZxid(i + 1, zxids[i] - '0', epochs[i] - '0')).ToList();
            var input = $"epochs {epochs}, zxids {zxids}";
            if (match.Groups["refused"].Success)
            {
                Assert.Throws<UnsafeElectionException>(() => ElectionOrder.Decide(zxidsOnDisk));
                continue;
            }

            var order = ElectionOrder.Decide(zxidsOnDisk);

            var modelWave = match.Groups["first"].Value.Split(',').Select(s => int.Parse(s, System.Globalization.CultureInfo.InvariantCulture) + 1).ToList();
            Assert.True(modelWave.SequenceEqual(order.FirstWave), $"{input}: the model starts {string.Join(",", modelWave)} first, ElectionOrder {string.Join(",", order.FirstWave)}");
            Assert.Equal(ElectionOrder.Quorum(nodes), order.FirstWave.Count);
        }

        // Every zxid order up to renaming (non-decreasing, the last highest) times every epoch vector.
        Assert.Equal(nodes switch { 3 => 6 * 8, 5 => 15 * 32, _ => 28 * 128 }, inputs);
    }

    [GeneratedRegex(@"^wavee=(?<e>[12]+)z=(?<z>[123]+)(?:(?<refused>refused)|first=(?<first>[0-9,]+))$")]
    private static partial Regex WaveLine();
}
