using Runbook.Adapters.Backup;
using Runbook.Adapters.Mail;
using Runbook.Engine;
using Runbook.Plan.Model;
using Runbook.Plan.Steps;

namespace Runbook.Steps.MailBackup;

/// <summary>
/// <c>runbook backup verify</c>: every target of the plan's (first) <c>mail.backup</c> step, every account it selects,
/// every file re-read against the manifest, and each manifest's folder counts against the server's (unless offline).
/// Reads only: the backup, and the server through read-only IMAP/POP3.
/// </summary>
internal static class BackupVerification
{
    public static async Task<IReadOnlyList<BackupCheck>> RunAsync(
        RunbookPlan plan, IMailConnector mail, ISecretResolver secrets, string? targetId, bool offline, CancellationToken cancellationToken)
    {
        var step = plan.Steps.FirstOrDefault(s => s.Uses == StepKinds.Backup)
            ?? new StepDefinition { Id = "backup", Uses = StepKinds.Backup };
        var parameters = BackupParameters.From(plan, step);
        var targets = parameters.Targets.Where(t => targetId is null || t.Id == targetId).ToList();
        if (targets.Count == 0)
        {
            throw new Errors.UsageException($"no backup target '{targetId}' in this plan (targets: {string.Join(", ", parameters.Targets.Select(t => t.Id))})");
        }

        var checks = new List<BackupCheck>();
        foreach (var account in parameters.Accounts)
        {
            var counts = offline ? null : await CountAsync(mail, plan, secrets, parameters, account, cancellationToken);
            foreach (var target in targets)
            {
                checks.Add(await BackupVerifier.VerifyAsync(target, account.Email, counts, cancellationToken));
            }
        }

        return checks;
    }

    /// <summary>The server's message count per selectable folder, from one index each (no message is read).</summary>
    private static async Task<IReadOnlyDictionary<string, int>> CountAsync(
        IMailConnector mail, RunbookPlan plan, ISecretResolver secrets, BackupParameters parameters, AccountDefinition account, CancellationToken cancellationToken)
    {
        await using var source = await parameters.OpenSourceAsync(mail, plan, secrets, account, cancellationToken);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var folder in (await source.ListFoldersAsync(cancellationToken)).Where(f => f.Selectable))
        {
            counts[folder.FullName] = (await source.IndexAsync(folder.FullName, cancellationToken)).Messages.Count;
        }

        return counts;
    }
}
