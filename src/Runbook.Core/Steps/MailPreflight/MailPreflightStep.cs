using System.Text.Json.Nodes;
using Runbook.Adapters.Mail;
using Runbook.Engine;
using Runbook.Engine.Accounts;
using Runbook.Errors;
using Runbook.Plan.Model;
using Runbook.Steps.Mail;

namespace Runbook.Steps.MailPreflight;

/// <summary>
/// <c>mail.preflight</c>: proves, before anything is copied, that every selected account can be migrated. Read-only on
/// both servers, so its dry run is the same check. Fails with a per-account table; a refused login exits 77 and an
/// unreachable server 69.
/// </summary>
internal sealed class MailPreflightStep(IMailConnector mail) : IStepKind
{
    public string Name => "mail.preflight";

    public IReadOnlyList<string> PlanSections => ["servers", "accounts", "folders"];

    public AccountScope Accounts => AccountScope.EachOnce;

    public async Task<StepPreview> PreviewAsync(StepContext context, CancellationToken cancellationToken)
    {
        var checks = await CheckAllAsync(context, cancellationToken);
        var failed = checks.Count(c => c.Problems.Count > 0);
        return StepPreview.Changes(
            failed == 0 ? $"check {checks.Count} accounts: all ready" : $"check {checks.Count} accounts: {failed} would FAIL",
            AccountCheck.Table(checks).Split(Environment.NewLine));
    }

    public async Task<StepOutcome> ApplyAsync(StepContext context, CancellationToken cancellationToken)
    {
        var checks = await CheckAllAsync(context, cancellationToken);
        foreach (var check in checks)
        {
            await context.State.SetAccountOutcomeAsync(check.Account, check.Problems.Count == 0 ? null : string.Join("; ", check.Problems), cancellationToken);
        }

        var table = AccountCheck.Table(checks);
        var failed = checks.Where(c => c.Problems.Count > 0).ToList();
        if (failed.Count == 0)
        {
            foreach (var line in table.Split(Environment.NewLine))
            {
                context.Log.Info(line);
            }

            return StepOutcome.Succeeded(new JsonObject
            {
                ["accounts"] = checks.Count,
                ["source_messages"] = checks.Sum(c => c.SourceMessages),
                ["source_bytes"] = checks.Sum(c => c.SourceBytes),
                ["summary"] = $"{checks.Count} account(s) ready: {Mail.MigrationReport.Count(checks.Sum(c => c.SourceMessages))} messages ({Mail.MigrationReport.Bytes(checks.Sum(c => c.SourceBytes))}) on the old server",
            });
        }

        var message = $"preflight failed for {failed.Count} of {checks.Count} accounts; nothing was copied:{Environment.NewLine}{table}";
        // Unreachable first: when a server is down its logins were never tried.
        if (failed.Any(c => c.Unreachable)) throw new ServerUnreachableException(message);
        if (failed.Any(c => c.LoginRefused)) throw new AuthenticationFailedException(message);
        // A busy mailbox or a flaky connection passes; a problem found in the mailbox or the plan needs a person.
        return StepOutcome.Fail(message, retryable: failed.All(c => c.Transient));
    }

    private async Task<IReadOnlyList<AccountCheck>> CheckAllAsync(StepContext context, CancellationToken cancellationToken)
    {
        var parameters = MailStepParameters.From(context.Plan, context.Step);
        // Accounts already checked for their current definition are not checked again (an account added to the plan is).
        var accounts = parameters.Accounts.Where(a => !context.SettledAccounts.Contains(a.Email)).ToList();
        var checker = new PreflightChecker(mail, context);
        var checks = new AccountCheck[accounts.Count];
        var options = new ParallelOptions { MaxDegreeOfParallelism = parameters.Parallelism(context.Plan), CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(Enumerable.Range(0, checks.Length), options, async (i, ct) => checks[i] = await checker.CheckAsync(accounts[i], ct));
        var tls = TlsNotes(context.Plan);
        foreach (var check in checks)
        {
            check.Problems.AddRange(tls.Problems);
            check.Notes.AddRange(tls.Notes);
        }

        return checks;
    }

    /// <summary>Plan-level TLS: verification may only be off with a stated reason, and plain text is flagged.</summary>
    private static (List<string> Problems, List<string> Notes) TlsNotes(RunbookPlan plan)
    {
        var problems = new List<string>();
        var notes = new List<string>();
        foreach (var (role, server) in plan.Servers)
        {
            foreach (var (protocol, endpoint) in new[] { ("imap", server.Imap), ("pop3", server.Pop3), ("smtp", server.Smtp) })
            {
                if (endpoint is null) continue;
                if (endpoint.Security == TransportSecurity.None) notes.Add($"servers.{role}.{protocol} sends the password in plain text (security: none)");
                if (!endpoint.Tls.Verify && string.IsNullOrWhiteSpace(endpoint.Tls.InsecureReason)) problems.Add($"servers.{role}.{protocol} turns certificate verification off without a reason");
                else if (!endpoint.Tls.Verify) notes.Add($"servers.{role}.{protocol}: certificate NOT verified ({endpoint.Tls.InsecureReason})");
            }
        }

        return (problems, notes);
    }
}
