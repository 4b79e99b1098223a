using ZkMitosis.Coordinator.Engine;
using ZkMitosis.Coordinator.Engine.Steps;
using ZkMitosis.Coordinator.Plans;
using ZkMitosis.Coordinator.Tests.Support;

namespace ZkMitosis.Coordinator.Tests.Plans;

/// <summary>Issue 15: <c>strategy: copy</c> compiled and checked; <c>merge:</c>; the copy step list.</summary>
public sealed class CopyPlanTests
{
    private static string Copy(string extra = "") => SamplePlans.Valid.Replace("strategy: observer", "strategy: copy" + extra, StringComparison.Ordinal);

    private static InvalidPlanException Refused(string text) => Assert.Throws<InvalidPlanException>(() => PlanLoader.Load(text));

    [Fact]
    public void Compile_Copy_TheCopyStepsInOrderWithThePointOfNoReturnBeforeTheSwitch()
    {
        var plan = PlanLoader.Load(Copy());
        var steps = StepList.Compile(plan);

        Assert.Equal(MigrationStrategy.Copy, plan.Strategy);
        Assert.Null(plan.Merge);
        Assert.Equal(
            ["preflight", "lease", "pre-copy", "mirror", "block", "drain", "verify-copy", "point-of-no-return", "switch-tenants", "tenant-health", "finish"],
            steps.Select(s => s.Id));
        Assert.Equal(["point-of-no-return"], steps.Where(s => s.PointOfNoReturn).Select(s => s.Id));
        Assert.All(steps, s => Assert.NotEmpty(s.ChecksAfter));
        Assert.Contains(steps.Single(s => s.Id == "preflight").ChecksAfter, c => c.Contains("absent or empty on the destination", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_CopyWithTheDestinationsOwnServerIds_Accepted()
    {
        // A destination that already serves other tenants keeps its own ids, which may be the source's.
        var text = Copy().Replace("id: 4, host: 10.250.7.14", "id: 1, host: 10.250.7.14", StringComparison.Ordinal)
            .Replace("id: 5, host: 10.250.7.15", "id: 2, host: 10.250.7.15", StringComparison.Ordinal);

        var plan = PlanLoader.Load(text);

        Assert.Equal([1, 2, 6], plan.Destination.Select(d => d.Id));
        var observer = Refused(text.Replace("strategy: copy", "strategy: observer", StringComparison.Ordinal));
        Assert.Contains(observer.Problems, p => p.Path == "destination.servers[0].id");
    }

    [Fact]
    public void Load_MergeWithAReason_Kept()
    {
        var plan = PlanLoader.Load(Copy("\nmerge:\n  reason: consolidating the small ensembles of team x"));

        Assert.Equal("consolidating the small ensembles of team x", plan.Merge?.Reason);
    }

    [Theory]
    [InlineData("\nmerge:\n  reason: ''", "merge.reason")]
    [InlineData("\nmerge:\n  because: yes", "merge.because")]
    [InlineData("\nmerge:\n  other: 1", "merge.reason")]
    [InlineData("\nmerge: yes", "merge")]
    public void Load_BadMerge_RefusedNamingTheField(string merge, string path)
    {
        var error = Refused(Copy(merge));

        Assert.Contains(error.Problems, p => p.Path == path);
    }

    [Theory]
    [InlineData("", PreCopySource.Snapshot)]
    [InlineData("\npreCopy: snapshot", PreCopySource.Snapshot)]
    [InlineData("\npreCopy: client", PreCopySource.Client)]
    public void Load_PreCopy_TheDataDirByDefault(string line, PreCopySource expected)
    {
        Assert.Equal(expected, PlanLoader.Load(Copy(line)).PreCopy);
    }

    [Theory]
    [InlineData("\npreCopy: disk")]
    [InlineData("\npreCopy: Snapshot")]
    [InlineData("\npreCopy: [snapshot]")]
    public void Load_BadPreCopy_RefusedNamingTheChoices(string line)
    {
        var problem = Assert.Single(Refused(Copy(line)).Problems);

        Assert.Equal("preCopy", problem.Path);
    }

    [Fact]
    public void Load_PreCopyWithoutStrategyCopy_Refused()
    {
        var error = Refused(SamplePlans.Valid.Replace("strategy: observer", "strategy: observer\npreCopy: client", StringComparison.Ordinal));

        var problem = Assert.Single(error.Problems);
        Assert.Equal("preCopy", problem.Path);
        Assert.Contains("strategy: copy", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MergeWithoutStrategyCopy_Refused()
    {
        var error = Refused(SamplePlans.Valid.Replace("strategy: observer", "strategy: observer\nmerge:\n  reason: why not", StringComparison.Ordinal));

        var problem = Assert.Single(error.Problems);
        Assert.Equal("merge", problem.Path);
        Assert.Contains("strategy: copy", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_CopyWithASwitchSection_Refused()
    {
        var error = Refused(Copy() + "\nswitch:\n  batch: 1\n");

        Assert.Contains(error.Problems, p => p.Path == "switch" && p.Message.Contains("strategy: copy", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_UnknownStrategy_NamesCopyAmongTheChoices()
    {
        var error = Refused(SamplePlans.Valid.Replace("strategy: observer", "strategy: blockcopy", StringComparison.Ordinal));

        Assert.Contains(error.Problems, p => p.Path == "strategy" && p.Message.Contains("observer, participant or copy", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(0xfffff - 4096 - 11, true)]
    [InlineData(0xfffff - 4096 - 10, false)]
    public void Fits_DataPlusPathPlusHeadroom_UnderTheFrameLimit(int dataLength, bool fits)
    {
        // "/kafka/a/bb" is 11 bytes.
        Assert.Equal(fits, CopyPreflightStep.Fits("/kafka/a/bb", dataLength, 0xfffff));
    }

}
