namespace Runbook.Tests.Steps.Report;

/// <summary>The plan's own templates: they get the model, and a broken one names its line and writes nothing.</summary>
public sealed class ReportTemplateTests
{
    [Fact]
    public async Task Given_the_plans_own_template_When_reported_Then_it_renders_the_model()
    {
        using var f = new ReportFixture(accounts: 2, report: "report: { formats: [markdown], templates: { markdown: mine.md.sbn } }");
        await File.WriteAllTextAsync(Path.Combine(f.Harness.Directory, "mine.md.sbn"), "{{ plan.name }}: {{ for a in accounts }}{{ a.email }}={{ a.copied }} {{ end }}");
        await f.SeedAsync();

        var (code, text) = await f.ReportAsync();

        Assert.True(code == 0, text);
        Assert.Equal("acme: user0@acme.test=2 user1@acme.test=2 ", await File.ReadAllTextAsync(f.ReportBase + ".md"));
    }

    [Theory]
    [InlineData("line 1\nline 2\n{{ for a in accounts }}{{ a.email }\n", "mine.md.sbn(3,")]
    [InlineData("line 1\n{{ plan.no_such_key.deeper }}\n", "mine.md.sbn(2,")]
    public async Task Given_a_broken_template_When_reported_Then_the_error_names_its_line_and_no_file_changes(string template, string location)
    {
        using var f = new ReportFixture(accounts: 1, report: "report: { formats: [json, markdown], templates: { markdown: mine.md.sbn } }");
        await File.WriteAllTextAsync(Path.Combine(f.Harness.Directory, "mine.md.sbn"), "ok");
        await f.SeedAsync();
        var before = await File.ReadAllTextAsync(f.ReportBase + ".md");
        await File.WriteAllTextAsync(Path.Combine(f.Harness.Directory, "mine.md.sbn"), template);
        File.Delete(f.ReportBase + ".json");

        var (code, text) = await f.ReportAsync();

        Assert.Equal(65, code);
        Assert.Contains(location, text, StringComparison.Ordinal);
        Assert.Contains("no report was written", text, StringComparison.Ordinal);
        Assert.Equal(before, await File.ReadAllTextAsync(f.ReportBase + ".md"));
        Assert.False(File.Exists(f.ReportBase + ".json"));
        Assert.Empty(Directory.GetFiles(f.Harness.Directory, "*.tmp"));
    }

    [Fact]
    public async Task Given_a_template_file_that_does_not_exist_When_validated_Then_it_is_an_error_at_its_key()
    {
        using var f = new ReportFixture(accounts: 1, report: "report: { templates: { html: missing.html.sbn } }");

        var (code, text) = await f.Harness.RunAsync("validate", f.Harness.PlanPath);

        Assert.Equal(65, code);
        Assert.Contains("report.templates.html: template 'missing.html.sbn' not found", text, StringComparison.Ordinal);
    }
}
