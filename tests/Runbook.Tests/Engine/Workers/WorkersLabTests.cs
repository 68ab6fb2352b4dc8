using System.Diagnostics;
using Npgsql;
using Runbook.Adapters.Mail;
using Runbook.Tests.Adapters.Mail;
using Runbook.Tests.Lab;
using Runbook.Tests.Steps.Dns.Lab;
using Runbook.Tests.Steps.Mail.Lab;
using Runbook.Tests.Support;

namespace Runbook.Tests.Engine.Workers;

/// <summary>
/// Four real <c>runbook apply --worker</c> processes on one plan of eight accounts (real Dovecots, BIND and the lab's
/// PostgreSQL): every message arrives exactly once and the global MX switch happens once, even when a worker is
/// SIGKILLed in the middle of an account and never comes back.
/// </summary>
[Collection("lab")]
[Trait("Category", "Lab")]
public sealed class WorkersLabTests(LabFixture fixture)
{
    private const int Accounts = 8;

    [Fact]
    public async Task Given_four_workers_and_one_killed_mid_account_When_the_others_finish_Then_every_message_is_there_once_and_the_mx_switched_once()
    {
        await using var setup = await SetupAsync();

        // Kill point 3: after the killed worker's second APPEND batch reached the new server, inside its first account.
        var killed = RunbookProcess.KillAtAsync(setup.Plan.Folder, 3, "apply", setup.Plan.PlanPath, "--worker", "--lease", "4");
        var others = Enumerable.Range(0, 3).Select(_ => RunbookProcess.RunAsync(setup.Plan.Folder, "apply", setup.Plan.PlanPath, "--worker", "--lease", "4")).ToList();
        var point = await killed;
        var results = await Task.WhenAll(others);

        Assert.NotNull(point);
        Assert.All(results, r => Assert.True(r.ExitCode == 0, r.Output));
        await setup.AssertAsync(fixture);
        Assert.True(await setup.CountAsync("SELECT COUNT(*) FROM journal WHERE event = 'takeover'") >= 1, "no worker took over the killed worker's account");
        var (code, status) = await RunbookProcess.RunAsync(setup.Plan.Folder, "status", setup.Plan.PlanPath);
        Assert.True(code == 0, status);
        Assert.Contains($"migrate: {Accounts} done", status, StringComparison.Ordinal);
        Assert.Contains("switch-mx: 1 done", status, StringComparison.Ordinal);
        Assert.Contains($"{setup.Logins[0].User}", status, StringComparison.Ordinal);
        Assert.Contains("state postgres (file:pg.txt)", status, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_four_shards_When_each_runs_its_part_Then_every_message_is_there_once_and_the_mx_switched_once()
    {
        await using var setup = await SetupAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => RunbookProcess.RunAsync(setup.Plan.Folder, "apply", setup.Plan.PlanPath, "--shard", $"{i}/4")));

        Assert.All(results, r => Assert.True(r.ExitCode == 0, r.Output));
        await setup.AssertAsync(fixture);
    }

    private async Task<Setup> SetupAsync()
    {
        var lab = new MailLab(fixture.Lab);
        var logins = Enumerable.Range(0, Accounts).Select(_ => lab.NewLogin("w")).ToList();
        await Task.WhenAll(logins.Select(l => LabCorpus.SeedAsync(lab, l, perFolder: 4)));
        var zone = new LabZone(fixture.Lab.Dns);
        await zone.CreateAsync(3, LabClients.Timeout());
        var connection = await StoreBackends.NewDatabaseAsync("w");
        var dns = fixture.Lab.Dns;
        var plan = new LabPlan(lab, [.. logins.Select(l => l.User)], $$"""
              - { id: migrate, uses: mail.migrate, with: { batch_size: 3 } }
              - { id: switch-mx, uses: dns.switch_mx }
              - { id: report, uses: report }
            dns:
              zone: {{zone.Domain.TrimEnd('.')}}
              authoritative: [{ name: ns1, host: {{dns.Authoritative.Host}}, port: {{dns.Authoritative.Port}} }]
              resolvers: [{ name: isp, host: {{dns.Resolver.Host}}, port: {{dns.Resolver.Port}} }]
              update: { provider: rfc2136, key: { name: {{dns.Tsig.Name}}, algorithm: hmac-sha256, secret: { file: tsig.key } } }
              mx:
                old: [{ preference: 10, host: {{zone.OldHost.TrimEnd('.')}} }]
                new: [{ preference: 10, host: {{zone.NewHost.TrimEnd('.')}} }]
              lowered_ttl: 30
            state: { backend: postgres, connection: { file: pg.txt } }
            """);
        await File.WriteAllTextAsync(Path.Combine(plan.Folder, "tsig.key"), dns.Tsig.Secret + "\n");
        await File.WriteAllTextAsync(Path.Combine(plan.Folder, "pg.txt"), connection + "\n");
        return new Setup(lab, logins, zone, plan, connection);
    }

    private sealed record Setup(MailLab Lab, List<MailLogin> Logins, LabZone Zone, LabPlan Plan, string Connection) : IAsyncDisposable
    {
        public async Task AssertAsync(LabFixture fixture)
        {
            foreach (var login in Logins)
            {
                await MailMigrationLabTests.AssertMigratedAsync(Lab, login);
            }

            Assert.Equal($"10 {Zone.NewHost}", (await Zone.MxAsync(viaResolver: false, LabClients.Timeout())).Data);
            Assert.Equal(1, await DnsSwitchCrashLabTests.JournalAddsAsync($"{Zone.Domain} 3\tIN MX 10 {Zone.NewHost}"));
            Assert.Equal(1, await CountAsync("SELECT COUNT(*) FROM journal WHERE step_id = 'switch-mx' AND event = 'done'"));
            Assert.Equal(1, await CountAsync("SELECT COUNT(*) FROM journal WHERE step_id = 'switch-mx' AND event = 'started'"));
            Assert.Equal(1, await CountAsync("SELECT COUNT(*) FROM journal WHERE step_id = 'migrate' AND event = 'done'"));
            Assert.Equal(Accounts, await CountAsync("SELECT COUNT(*) FROM step_accounts WHERE step_id = 'migrate' AND status = 'done'"));
            Assert.Equal(1, await CountAsync("SELECT COUNT(*) FROM journal WHERE step_id = 'report' AND event = 'done'"));
            // The report step, run by one worker, reads the shared state: every account's copies, not "no state".
            var report = await File.ReadAllTextAsync(Path.Combine(Plan.Folder, "plan.report.html"));
            Assert.DoesNotContain("Nothing applied yet", report, StringComparison.Ordinal);
        }

        public async Task<long> CountAsync(string sql)
        {
            await using var raw = new NpgsqlConnection(Connection);
            await raw.OpenAsync();
            await using var command = new NpgsqlCommand(sql, raw);
            return (long)(await command.ExecuteScalarAsync())!;
        }

        public async ValueTask DisposeAsync()
        {
            Plan.Dispose();
            await StoreBackends.DropDatabaseAsync(Connection);
        }
    }
}
