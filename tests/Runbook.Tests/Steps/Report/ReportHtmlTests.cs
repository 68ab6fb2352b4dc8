using Xunit.Abstractions;
using System.Diagnostics;
using System.Text.RegularExpressions;
using Runbook.Tests.Support;

namespace Runbook.Tests.Steps.Report;

/// <summary>The HTML report as a customer opens it: in a real browser, escaped, complete, in both languages.</summary>
public sealed partial class ReportHtmlTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Given_a_real_state_When_the_HTML_report_opens_in_headless_chromium_Then_there_is_no_console_error_and_the_numbers_are_in_the_DOM()
    {
        using var f = new ReportFixture(accounts: 3, evidence: true);
        await f.SeedAsync();

        var (code, text) = await f.ReportAsync();
        Assert.True(code == 0, text);
        var html = f.ReportBase + ".html";
        var (dom, console) = await HeadlessChromium.DumpDomAsync(html);
        var png = RepoPaths.Of(".artifacts", "report", "report-en.png");
        File.Delete(png);
        await HeadlessChromium.ScreenshotAsync(html, png);

        Assert.DoesNotContain("CONSOLE", console, StringComparison.Ordinal);
        Assert.Contains("<b>6</b>Copied", dom, StringComparison.Ordinal);
        Assert.Contains("<b>3</b>Already there", dom, StringComparison.Ordinal);
        Assert.Contains("<b>1</b>Open exceptions", dom, StringComparison.Ordinal);
        Assert.Contains("<td>user2@acme.test</td><td class=\"num\">3</td><td class=\"num\">3,500</td>", dom, StringComparison.Ordinal);
        Assert.Contains("<rect class=\"bar-run\"", dom, StringComparison.Ordinal);
        Assert.Contains("lab certificate", dom, StringComparison.Ordinal);
        Assert.Contains("<h2>Verification, rule by rule</h2>", dom, StringComparison.Ordinal);
        Assert.Contains("<td>user0@acme.test</td><td>content, flags, keywords, INTERNALDATE</td><td class=\"num\">3</td><td class=\"num\">2</td><td class=\"failed\">FAILED</td><td>missing 1</td>", dom, StringComparison.Ordinal);
        Assert.Contains("<td class=\"failed\">missing</td><td>INBOX</td><td>3</td>", dom, StringComparison.Ordinal);
        Assert.Contains("<h2>Backups and their verification</h2>", dom, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", dom, StringComparison.OrdinalIgnoreCase);
        Assert.True(new FileInfo(png).Length > 10_000, "the screenshot is written and not blank");
        output.WriteLine($"screenshot: {png}");
    }

    [Fact]
    public async Task Given_a_hostile_subject_in_the_state_When_rendered_Then_it_stays_text_in_HTML_and_Markdown()
    {
        using var f = new ReportFixture(accounts: 1, evidence: true);
        await f.SeedAsync();

        var (code, text) = await f.ReportAsync();
        Assert.True(code == 0, text);
        var html = await File.ReadAllTextAsync(f.ReportBase + ".html");
        var markdown = await File.ReadAllTextAsync(f.ReportBase + ".md");
        // The subject named by verify's evidence, in the table of messages verify listed.
        Assert.Contains("<td>a@acme.test</td><td>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; Q4 &amp; &quot;numbers&quot;</td>", html, StringComparison.Ordinal);
        Assert.Contains("| a@acme.test | &lt;script&gt;alert('x')&lt;/script&gt; Q4 & \"numbers\" |", markdown, StringComparison.Ordinal);
        var (dom, console) = await HeadlessChromium.DumpDomAsync(f.ReportBase + ".html");

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; Q4 &amp; &quot;numbers&quot;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", dom, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("&lt;script&gt;alert", dom, StringComparison.Ordinal);
        Assert.DoesNotContain("CONSOLE", console, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", await File.ReadAllTextAsync(f.ReportBase + ".md"), StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("en", "Mail migration report", "Already there")]
    [InlineData("ja", "メール移行レポート", "移行先に既存")]
    public async Task Given_a_report_language_When_rendered_Then_the_report_is_in_that_language_and_opens(string language, string title, string matched)
    {
        using var f = new ReportFixture(accounts: 2, language);
        await f.SeedAsync();

        var (code, text) = await f.ReportAsync();
        Assert.True(code == 0, text);
        var (dom, console) = await HeadlessChromium.DumpDomAsync(f.ReportBase + ".html");
        await HeadlessChromium.ScreenshotAsync(f.ReportBase + ".html", RepoPaths.Of(".artifacts", "report", $"report-{language}.png"));

        Assert.Contains($"lang=\"{language}\"", dom, StringComparison.Ordinal);
        Assert.Contains(title, dom, StringComparison.Ordinal);
        Assert.Contains($"<b>2</b>{matched}", dom, StringComparison.Ordinal);
        Assert.Contains(matched, await File.ReadAllTextAsync(f.ReportBase + ".md"), StringComparison.Ordinal);
        Assert.DoesNotContain("CONSOLE", console, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_10000_accounts_When_reported_Then_every_account_is_in_every_format()
    {
        using var f = new ReportFixture(accounts: 10_000);
        await f.SeedAsync();

        var clock = Stopwatch.StartNew();
        var (code, text) = await f.ReportAsync();
        clock.Stop();

        Assert.True(code == 0, text);
        var html = await File.ReadAllTextAsync(f.ReportBase + ".html");
        Assert.Equal(10_000, AccountRow().Count(html));
        Assert.Contains("<td>user9999@acme.test</td>", html, StringComparison.Ordinal);
        Assert.EndsWith("</html>\n", html, StringComparison.Ordinal);
        Assert.Contains("| user9999@acme.test | 3 |", await File.ReadAllTextAsync(f.ReportBase + ".md"), StringComparison.Ordinal);
        output.WriteLine($"10,000 accounts: report (model, html, markdown, json) in {clock.Elapsed.TotalSeconds:F2} s, html {html.Length / 1024 / 1024.0:F1} MB");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"took {clock.Elapsed}");
    }

    [GeneratedRegex("<tr><td>user\\d+@acme\\.test</td><td class=\"num\">3</td>")]
    private static partial Regex AccountRow();
}
