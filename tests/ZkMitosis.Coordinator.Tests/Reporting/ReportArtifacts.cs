using System.Text.RegularExpressions;
using Xunit.Abstractions;
using ZkMitosis.Coordinator.Plans;
using ZkMitosis.Coordinator.Reporting;
using ZkMitosis.Testing;

namespace ZkMitosis.Coordinator.Tests.Reporting;

/// <summary>What a real run leaves beside its journal for a change review: report.json and the report page.</summary>
internal static class ReportArtifacts
{
    /// <summary>The window the page is shot in, CSS pixels: wide enough for the 1200-unit timeline, tall enough for all of it.</summary>
    private const int WindowWidth = 1300;
    private const int WindowHeight = 1500;

    /// <summary>
    /// report.json in <paramref name="planDirectory"/> matches docs/report.schema.json; report.html beside it names
    /// nothing outside itself, Chromium draws it (a screenshot that is not blank) and its DOM has a band for every
    /// server of <paramref name="plan"/> and a span for every step <paramref name="report"/> ran. With
    /// ZKM_TEST_KEEP_REPORT_PAGE=DIR the page and the screenshot are copied there to look at.
    /// </summary>
    public static async Task AssertWrittenAsync(string planDirectory, MigrationPlan plan, MigrationReport report, ITestOutputHelper output)
    {
        ReportSchema.AssertValid(await File.ReadAllTextAsync(Path.Combine(planDirectory, "report.json")));

        var page = Path.Combine(planDirectory, "report.html");
        var html = await File.ReadAllTextAsync(page);
        // Self-contained: no script, no src/href, no URL but the SVG namespace.
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(Regex.Matches(html, "(src|href)\\s*=", RegexOptions.IgnoreCase));
        Assert.DoesNotContain(Regex.Matches(html, "https?://"), m => !html.AsSpan(m.Index).StartsWith("http://www.w3.org/2000/svg"));

        using var directory = new TestDirectory("report-chromium");
        var png = PngImage.Decode(await HeadlessChromium.ScreenshotAsync(page, directory.Path, WindowWidth, WindowHeight));
        var colours = png.DistinctColours();
        var drawn = png.DrawnShare();
        output.WriteLine($"report page screenshot: {png.Width}x{png.Height}, {colours} colours, {drawn:P1} drawn");
        Assert.Equal(WindowWidth, png.Width);
        Assert.True(colours >= 8 && drawn >= 0.05, $"the screenshot looks blank: {colours} colours, {drawn:P1} of pixels not background");

        var dom = await HeadlessChromium.DumpDomAsync(page, directory.Path);
        var bands = ReportDom.Bands(dom);
        foreach (var server in plan.Source.Concat(plan.Destination))
        {
            var band = Assert.Single(bands, b => b.Host == server.ClientEndpoint);
            Assert.Contains("data-mode=", band.Inner, StringComparison.Ordinal);
        }

        var steps = ReportDom.Steps(dom);
        Assert.Equal(report.Timeline.Select(t => t.Step), steps.Select(s => s.Step));
        Assert.All(steps, s => Assert.Contains("<rect", s.Inner, StringComparison.Ordinal));

        if (Environment.GetEnvironmentVariable("ZKM_TEST_KEEP_REPORT_PAGE") is { Length: > 0 } keep)
        {
            Directory.CreateDirectory(keep);
            File.Copy(page, Path.Combine(keep, "report.html"), overwrite: true);
            File.Copy(Path.Combine(directory.Path, "screenshot.png"), Path.Combine(keep, "report.png"), overwrite: true);
        }
    }
}
