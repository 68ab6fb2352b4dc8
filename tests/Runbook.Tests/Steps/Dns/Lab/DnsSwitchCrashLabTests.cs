using System.Diagnostics;
using Runbook.Lab;
using Runbook.Tests.Lab;
using Runbook.Tests.Steps.Mail.Lab;
using Runbook.Tests.Support;

namespace Runbook.Tests.Steps.Dns.Lab;

/// <summary>
/// The real <c>runbook apply</c> process SIGKILLed just before and just after the switch's update reaches BIND; the
/// next apply finishes the step, and BIND's own journal shows the new MX added exactly once.
/// </summary>
[Collection("lab")]
public sealed class DnsSwitchCrashLabTests(LabFixture fixture)
{
    [Theory]
    [InlineData(1, "before DNS update")]
    [InlineData(2, "after DNS update")]
    public async Task Given_apply_killed_around_the_switch_update_When_applied_again_Then_BIND_journal_has_exactly_one_switch(int point, string where)
    {
        var token = LabClients.Timeout();
        var zone = new LabZone(fixture.Lab.Dns);
        await zone.CreateAsync(3, token);
        using var dir = new TempDirectory();
        var plan = WritePlan(dir.Path, zone, fixture.Lab.Dns);

        var killed = await RunbookProcess.ApplyAndKillAtAsync(dir.Path, plan, point);
        Assert.Contains(where, killed, StringComparison.Ordinal);
        var (code, output) = await RunbookProcess.RunAsync(dir.Path, "apply", plan);

        Assert.True(code == 0, output);
        Assert.Equal($"10 {zone.NewHost}", (await zone.MxAsync(viaResolver: false, token)).Data);
        Assert.Equal(1, await JournalAddsAsync($"{zone.Domain} 3\tIN MX 10 {zone.NewHost}"));
        var (_, again) = await RunbookProcess.RunAsync(dir.Path, "apply", plan);
        Assert.Equal(1, await JournalAddsAsync($"{zone.Domain} 3\tIN MX 10 {zone.NewHost}"));
        Assert.DoesNotContain(fixture.Lab.Dns.Tsig.Secret, output + again, StringComparison.Ordinal);
    }

    /// <summary>How many times BIND's zone journal records adding this record (named-journalprint reads the .jnl).</summary>
    internal static async Task<int> JournalAddsAsync(string record)
    {
        var journal = Path.Combine(LabEnvironment.FindRepositoryRoot(AppContext.BaseDirectory), ".lab", "dns", "auth", "acme.test.zone.jnl");
        using var process = Process.Start(new ProcessStartInfo("named-journalprint", [journal]) { RedirectStandardOutput = true })!;
        var text = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return text.Split('\n').Count(line => line == "add " + record);
    }

    private static string WritePlan(string directory, LabZone zone, LabDns lab)
    {
        File.WriteAllText(Path.Combine(directory, "tsig.key"), lab.Tsig.Secret + "\n");
        var path = Path.Combine(directory, "dns.yaml");
        File.WriteAllText(path, TestPlans.EngineHeader + $$"""
            dns:
              zone: {{zone.Domain.TrimEnd('.')}}
              authoritative: [{ name: ns1, host: {{lab.Authoritative.Host}}, port: {{lab.Authoritative.Port}} }]
              resolvers: [{ name: isp, host: {{lab.Resolver.Host}}, port: {{lab.Resolver.Port}} }]
              update: { provider: rfc2136, key: { name: {{lab.Tsig.Name}}, algorithm: hmac-sha256, secret: { file: tsig.key } } }
              mx:
                old: [{ preference: 10, host: {{zone.OldHost.TrimEnd('.')}} }]
                new: [{ preference: 10, host: {{zone.NewHost.TrimEnd('.')}} }]
              lowered_ttl: 30
            steps:
              - { id: switch-mx, uses: dns.switch_mx }
            """);
        return path;
    }
}
