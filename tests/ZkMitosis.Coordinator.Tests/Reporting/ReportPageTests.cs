using ZkMitosis.Coordinator.Agents;
using ZkMitosis.Coordinator.Engine.Steps;
using ZkMitosis.Coordinator.Reporting;
using ZkMitosis.Coordinator.Reporting.Page;
using ZkMitosis.Testing;

namespace ZkMitosis.Coordinator.Tests.Reporting;

public sealed class ReportPageTests
{
    private const string Hostile = "\"'><script>document.title='pwned'</script><img src=x onerror=\"document.title='pwned'\">";

    /// <summary>
    /// A report whose every outside string (host, step, mode, check, failure, gap, plan id) is an injection attempt:
    /// Chromium's DOM of the page holds no element the strings made (no script, no img), keeps them as text, and
    /// still has one band per host and one span per step.
    /// </summary>
    [Fact]
    public async Task Render_HostileStringsEverywhere_StayInertTextInChromium()
    {
        var at = new DateTimeOffset(2026, 12, 1, 3, 0, 0, TimeSpan.Zero);
        var report = new MigrationReport
        {
            PlanId = "plan" + Hostile,
            Strategy = "observer" + Hostile,
            Status = "failed" + Hostile,
            StartedAt = at,
            EndedAt = at.AddSeconds(30),
            Timeline = [new StepTiming("join" + Hostile, at, at.AddSeconds(10), 2, "done" + Hostile), new StepTiming("cut", at.AddSeconds(10), null, 1, "interrupted")],
            Checks = [new CheckResult("check" + Hostile, false, "evidence" + Hostile)],
            Gaps = [new Gap("destination" + Hostile, at.AddSeconds(11), at.AddSeconds(12))],
            CoordinatorDown = [new CoordinatorDowntime(at.AddSeconds(20), at.AddSeconds(25), "resume" + Hostile)],
            Hosts =
            [
                new HostModeBand("source", 1, "zk1" + Hostile, [new ModeSpan("leader" + Hostile, at, at.AddSeconds(30), 5, 9)]),
                new HostModeBand("destination", 4, "zk4" + Hostile, [new ModeSpan("stopped", at, at.AddSeconds(3), null, null), new ModeSpan("observer", at.AddSeconds(3), at.AddSeconds(30), 7, 9)]),
            ],
            Election = new ElectionRecord([4], [], 9, new() { ["4"] = 9 }, 4, 10, new() { ["4"] = new BarrierFired(at.AddSeconds(14), 1) }, 0.5, at.AddSeconds(13), at.AddSeconds(15), at.AddSeconds(16)),
            Failure = "failure" + Hostile,
        };
        using var directory = new TestDirectory("report-page");
        var page = Path.Combine(directory.Path, "report.html");
        var html = ReportPage.Render(report);
        await File.WriteAllTextAsync(page, html);

        var dom = await HeadlessChromium.DumpDomAsync(page, directory.Path);

        Assert.Contains("<svg", dom, StringComparison.Ordinal);
        foreach (var markup in new[] { html, dom })
        {
            var elements = ReportDom.WithoutAttributeValues(markup);
            Assert.DoesNotContain("<script", elements, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("<img", elements, StringComparison.OrdinalIgnoreCase);
        }

        Assert.DoesNotContain("pwned</title>", dom, StringComparison.Ordinal);
        Assert.Contains("failure\"'&gt;&lt;script&gt;", dom, StringComparison.Ordinal);
        Assert.Equal(["zk1" + Hostile, "zk4" + Hostile], ReportDom.Bands(dom).Select(b => b.Host));
        Assert.Equal(["join" + Hostile, "cut"], ReportDom.Steps(dom).Select(s => s.Step));
        Assert.All(ReportDom.Steps(dom), s => Assert.Contains("<rect", s.Inner, StringComparison.Ordinal));
    }
}
