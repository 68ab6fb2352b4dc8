using Runbook.Plan;
using Runbook.Plan.Model;
using Runbook.Tests.Support;

namespace Runbook.Tests.Plan;

public sealed class PlanLoaderTests
{
    [Fact]
    public void Given_a_minimal_plan_When_loaded_Then_the_model_carries_values_and_documented_defaults()
    {
        using var dir = new TempDir();
        var plan = new PlanLoader().Load(dir.Write("plan.yaml", TestPlans.Minimal)).Plan!;

        var imap = plan.Servers["new"].Imap!;
        Assert.Equal(993, imap.Port);                      // tls is the default, so 993
        Assert.Equal(TransportSecurity.Tls, imap.Security);
        Assert.True(imap.Tls.Verify);
        Assert.Equal(1143, plan.Servers["old"].Imap!.Port);
        Assert.Equal(8, plan.Servers["old"].MaxConnections);
        Assert.Equal("env:ALICE_OLD", plan.Accounts[0].Old.Password.ToString());
        Assert.Equal(Path.Combine("secrets", "alice"), plan.Accounts[0].New.Password.File);
        Assert.Equal(["test"], plan.Accounts[0].Groups);
        var migrate = plan.Steps[1];
        Assert.Equal(3, migrate.Retry.Attempts);
        Assert.Equal(TimeSpan.FromMinutes(1), migrate.Retry.Backoff);
        Assert.Equal(TimeSpan.FromMinutes(90), migrate.Timeout);
        Assert.Equal(16, migrate.Location!.Line);
        Assert.Equal(64, plan.Hash.Length);
    }

    [Fact]
    public void Given_the_same_plan_formatted_differently_When_loaded_Then_the_hash_is_the_same()
    {
        using var dir = new TempDir();
        var flow = TestPlans.Minimal.Replace("  old: { imap: { host: 127.0.0.1, port: 1143, security: none } }",
            "  old:\n    imap:\n      security: none   # reordered, block style\n      port: 1143\n      host: 127.0.0.1", StringComparison.Ordinal);
        var changed = TestPlans.Minimal.Replace("port: 1143", "port: 1144", StringComparison.Ordinal);

        var a = new PlanLoader().Load(dir.Write("a.yaml", TestPlans.Minimal)).Plan!;
        var b = new PlanLoader().Load(dir.Write("b.yaml", flow)).Plan!;
        var c = new PlanLoader().Load(dir.Write("c.yaml", changed)).Plan!;

        Assert.Equal(a.Hash, b.Hash);
        Assert.NotEqual(a.Hash, c.Hash);
    }

    [Fact]
    public void Given_an_extra_step_kind_When_registered_Then_it_is_accepted_with_any_parameters()
    {
        using var dir = new TempDir();
        var path = dir.Write("plan.yaml", TestPlans.Minimal + "  - { id: probe, uses: test.probe, with: { anything: [1, 2], goes: true } }\n");

        var without = new PlanLoader().Load(path);
        var with = new PlanLoader(new PlanLoaderOptions { ExtraStepKinds = new HashSet<string> { "test.probe" } }).Load(path);

        Assert.Contains(without.Diagnostics, d => d.Message.StartsWith("unknown step kind 'test.probe'", StringComparison.Ordinal));
        Assert.True(with.IsValid);
        Assert.True(with.Plan!.Steps[2].With["goes"]!.GetValue<bool>());
    }

    [Fact]
    public void Given_risky_step_order_When_loaded_Then_warnings_are_reported_and_the_plan_stays_valid()
    {
        using var dir = new TempDir();
        var text = TestPlans.Minimal.Replace("  - { id: backup, uses: mail.backup }\n", "", StringComparison.Ordinal)
            + "  - { id: check, uses: verify, with: { mx: false, send_receive: false } }\n  - { id: dec, uses: decommission }\n";

        var result = new PlanLoader().Load(dir.Write("plan.yaml", text));

        Assert.True(result.IsValid);
        // Decommission after a verify is the safe order now required (before one it is an error: Invalid/decommission-without-verify.yaml).
        var warning = Assert.Single(result.Diagnostics);
        Assert.Equal(DiagnosticSeverity.Warning, warning.Severity);
        Assert.True(warning.Path == "steps[0].uses" && warning.Message.StartsWith("no mail.backup", StringComparison.Ordinal), warning.ToString());
    }

    [Fact]
    public void Given_several_errors_When_loaded_Then_every_one_is_reported()
    {
        using var dir = new TempDir();
        var text = TestPlans.Minimal.Replace("Europe/Berlin", "Mars/Olympus", StringComparison.Ordinal)
            .Replace("security: none", "security: ssl", StringComparison.Ordinal)
            .Replace("uses: mail.backup", "uses: mail.bakup", StringComparison.Ordinal);

        var result = new PlanLoader().Load(dir.Write("plan.yaml", text));

        Assert.Equal(3, result.Diagnostics.Count(d => d.Severity == DiagnosticSeverity.Error));
    }

    [Fact]
    public void Given_a_missing_plan_file_When_loaded_Then_an_error_is_returned_not_thrown()
    {
        var result = new PlanLoader().Load(Path.Combine(Path.GetTempPath(), "no-such-runbook-plan.yaml"));

        Assert.False(result.IsValid);
        Assert.StartsWith("cannot read", result.Diagnostics.Single().Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_plain_text_to_a_remote_host_When_loaded_Then_a_warning_names_the_host()
    {
        using var dir = new TempDir();
        var text = TestPlans.Minimal.Replace("host: 127.0.0.1, port: 1143", "host: mail.oldhost.example, port: 1143", StringComparison.Ordinal);

        var result = new PlanLoader().Load(dir.Write("plan.yaml", text));

        var warning = Assert.Single(result.Diagnostics);
        Assert.True(result.IsValid);
        Assert.Equal("servers.old.imap.security", warning.Path);
        Assert.Contains("mail.oldhost.example", warning.Message, StringComparison.Ordinal);
    }
}
