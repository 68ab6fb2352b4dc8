using Runbook.Plan;
using Runbook.Tests.Support;

namespace Runbook.Tests.Plan;

/// <summary>
/// Every plan under Plan/Invalid states its expected diagnostics in '# expect: LINE:COL: PATH: MESSAGE' lines
/// (a file prefix when the problem is in a CSV or template); the loader must report exactly those.
/// </summary>
public sealed class InvalidPlanCorpusTests
{
    private static readonly string Folder = RepoPaths.Of("tests", "Runbook.Tests", "Plan", "Invalid");

    public static TheoryData<string> Plans() => new(Directory.GetFiles(Folder, "*.yaml").Select(Path.GetFileName).Order()!);

    [Fact]
    public void Given_the_corpus_Then_it_holds_at_least_thirty_invalid_plans()
    {
        Assert.True(Directory.GetFiles(Folder, "*.yaml").Length >= 30);
    }

    [Theory]
    [MemberData(nameof(Plans))]
    public void Given_an_invalid_plan_When_loaded_Then_exactly_the_expected_diagnostics_are_reported(string name)
    {
        var path = Path.Combine(Folder, name);
        var expected = File.ReadLines(path).Where(l => l.StartsWith("# expect: ", StringComparison.Ordinal)).Select(l => l["# expect: ".Length..]).ToList();

        var result = new PlanLoader().Load(path);

        Assert.NotEmpty(expected);
        Assert.False(result.IsValid);
        Assert.Null(result.Plan);
        Assert.Equal(expected, result.Diagnostics.Select(d => Relative(d, path)).ToList());
    }

    private static string Relative(PlanDiagnostic diagnostic, string planPath)
    {
        var text = diagnostic.ToString();
        var file = diagnostic.File + ":";
        var full = Path.GetFullPath(diagnostic.File);
        var shown = full == planPath ? "" : Path.GetRelativePath(Folder, full).Replace('\\', '/') + ":";
        return shown + text[file.Length..];
    }
}
