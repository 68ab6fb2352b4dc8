using Runbook.Plan;
using Runbook.Steps.Mail;
using Runbook.Tests.Support;

namespace Runbook.Tests.Steps.Mail;

/// <summary>The connection budget: accounts at once, and whether each may open a second connection to the old server.</summary>
public sealed class MailStepParametersTests
{
    [Theory]
    [InlineData(8, 16, 4, 4, true)]   // the defaults: 4 accounts, 2 connections each to the old server
    [InlineData(6, 16, 4, 4, false)]  // 4 accounts fit, a second connection each does not
    [InlineData(16, 4, 8, 2, true)]   // the new server caps it at 2 accounts; the old one then holds 2 each
    [InlineData(1, 16, 4, 1, false)]  // one connection at all: never a second
    public void Given_connection_limits_When_the_budget_is_taken_Then_accounts_and_the_body_connection_fit_in_them(
        int oldMax, int newMax, int concurrency, int parallelism, bool bodyConnection)
    {
        using var dir = new TempDir();
        var yaml = TestPlans.Minimal
            .Replace("port: 1143, security: none }", $"port: 1143, security: none }}, max_connections: {oldMax}", StringComparison.Ordinal)
            .Replace("new: { imap: { host: 127.0.0.1 } }", $"new: {{ imap: {{ host: 127.0.0.1 }}, max_connections: {newMax} }}", StringComparison.Ordinal)
            .Replace("uses: mail.migrate,", $"uses: mail.migrate, with: {{ concurrency: {concurrency} }},", StringComparison.Ordinal);
        var loaded = new PlanLoader().Load(dir.Write("plan.yaml", yaml));
        var plan = loaded.Plan ?? throw new InvalidOperationException(string.Join("\n", loaded.Diagnostics));

        var parameters = MailStepParameters.From(plan, plan.Steps.Single(s => s.Id == "migrate"));

        Assert.Equal(parallelism, parameters.Parallelism(plan));
        Assert.Equal(bodyConnection, parameters.SourceBodyConnection(plan));
    }
}
