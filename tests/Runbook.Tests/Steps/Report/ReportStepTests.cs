namespace Runbook.Tests.Steps.Report;

/// <summary>The <c>report</c> step: apply writes the report beside the plan; the dry run writes nothing and says where.</summary>
public sealed class ReportStepTests
{
    [Fact]
    public async Task Given_a_plan_with_a_report_step_When_planned_Then_nothing_is_written_and_it_says_where()
    {
        using var f = new ReportFixture(accounts: 1);

        var (code, text) = await f.Harness.RunAsync("plan", f.Harness.PlanPath);

        Assert.True(code is 0 or 2, text);
        Assert.Contains($"write the report (html, markdown, json) to {f.ReportBase}.*", text, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(f.Harness.Directory, "acme.report*"));
    }

    [Fact]
    public async Task Given_a_plan_with_a_report_step_When_applied_Then_every_format_is_written_and_the_step_records_them()
    {
        using var f = new ReportFixture(accounts: 1);

        var (code, text) = await f.Harness.RunAsync("apply", f.Harness.PlanPath);
        var (_, status) = await f.Harness.RunAsync("status", f.Harness.PlanPath);

        Assert.True(code == 0, text);
        Assert.All(new[] { ".html", ".md", ".json" }, ext => Assert.True(File.Exists(f.ReportBase + ext), ext));
        Assert.Contains("report written: acme.report.html, acme.report.md, acme.report.json", status, StringComparison.Ordinal);
        // Rendered while the step ran: the copy before it is done in the report.
        Assert.Contains("\"status\": \"done\"", await File.ReadAllTextAsync(f.ReportBase + ".json"), StringComparison.Ordinal);
    }
}
