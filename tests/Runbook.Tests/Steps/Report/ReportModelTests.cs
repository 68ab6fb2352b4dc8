using System.Text.Json.Nodes;

namespace Runbook.Tests.Steps.Report;

/// <summary>The JSON report: the model every template gets, built from the state and the plan.</summary>
public sealed class ReportModelTests
{
    [Fact]
    public async Task Given_a_state_with_copies_exceptions_and_an_approval_When_reported_as_json_Then_the_model_counts_them()
    {
        using var f = new ReportFixture(accounts: 3);
        await f.SeedAsync();

        var (code, output) = await f.ReportAsync("--format", "json", "--out", "-");

        Assert.True(code == 0, output);
        var model = JsonNode.Parse(output)!;
        Assert.Equal(3, (int)model["totals"]!["accounts"]!);
        Assert.Equal(6, (int)model["totals"]!["copied"]!);
        Assert.Equal(3, (int)model["totals"]!["matched"]!);
        Assert.Equal(10500, (long)model["totals"]!["bytes"]!);
        Assert.Equal(1, (int)model["totals"]!["exceptions_open"]!);
        Assert.Equal(1, (int)model["totals"]!["exceptions_accepted"]!);
        var first = model["accounts"]![0]!;
        Assert.Equal("user0@acme.test", (string)first["email"]!);
        Assert.Equal(["INBOX → INBOX", "INBOX.Sent → Sent"], first["folders"]!.AsArray().Select(x => $"{x!["source"]} → {x["destination"]}"));
        Assert.Equal("Yuki Tanaka", (string)first["exceptions"]!.AsArray().Single(x => (string)x!["status"]! == "accepted")!["accepted_by"]!);
        Assert.Equal("Yuki Tanaka", (string)model["approvals"]![0]!["by"]!);
        Assert.Equal("done", (string)model["steps"]![0]!["status"]!);
        Assert.Equal("2026-12-05T22:00:00+09:00", (string)model["steps"]![0]!["first_started_at"]!);
        Assert.Equal("lab certificate", (string)model["insecure"]!.AsArray().Single(i => (string)i!["server"]! == "new")!["reason"]!);
        Assert.DoesNotContain("OLD_0", output, StringComparison.Ordinal);
        Assert.Contains(model["problems"]!.AsArray(), p => (string)p!["level"]! == "error" && ((string)p["message"]!).Contains("<script>", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Given_no_state_When_reported_Then_every_step_is_pending_and_nothing_fails()
    {
        using var f = new ReportFixture(accounts: 2);

        var (code, output) = await f.ReportAsync("--format", "json", "--out", "-");

        Assert.True(code == 0, output);
        var model = JsonNode.Parse(output)!;
        Assert.False((bool)model["state"]!["exists"]!);
        Assert.All(model["steps"]!.AsArray(), s => Assert.Equal("pending", (string)s!["status"]!));
        Assert.False(File.Exists(f.Harness.StatePath));
    }
}
