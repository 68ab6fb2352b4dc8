using Runbook.Adapters.Mail;
using Runbook.Engine;
using Runbook.Errors;
using Runbook.Plan.Model;
using Runbook.Steps.Mail;

namespace Runbook.Steps.MailPreflight;

/// <summary>Checks one account on both servers with read-only calls: logins, TLS settings, capabilities, namespaces, mapping, sizes.</summary>
internal sealed class PreflightChecker(IMailConnector mail, StepContext context)
{
    public async Task<AccountCheck> CheckAsync(AccountDefinition account, CancellationToken cancellationToken)
    {
        var check = new AccountCheck(account.Email);
        var old = MailStepParameters.Server(context.Plan, "old");
        var @new = MailStepParameters.Server(context.Plan, "new");
        var imap = new PlanAccountConnector(mail, context.Plan, context.Secrets, SourceProtocol.Imap);
        var source = await TryAsync(check, "old imap", () => imap.OpenSourceAsync(account, cancellationToken));
        var destination = await TryAsync(check, "new imap", () => imap.OpenDestinationAsync(account, cancellationToken));
        try
        {
            if (old.Pop3 is not null)
            {
                var pop3 = new PlanAccountConnector(mail, context.Plan, context.Secrets, SourceProtocol.Pop3);
                await using var opened = await TryAsync(check, "old pop3", () => pop3.OpenSourceAsync(account, cancellationToken));
            }

            if (@new.Smtp is not null)
            {
                var login = new MailLogin(account.New.User, await context.Secrets.ResolveAsync(account.New.Password, cancellationToken));
                var smtp = await TryAsync(check, "new smtp", () => mail.ProbeSmtpAsync(PlanAccountConnector.Endpoint("new", @new.Smtp, "smtp"), login, cancellationToken));
                if (smtp?.SizeLimit is { } limit)
                {
                    check.Notes.Add($"new smtp accepts messages up to {MigrationReport.Bytes(limit)}");
                }
            }

            if (source is not null && destination is not null)
            {
                await CompareAsync(check, source, destination, cancellationToken);
            }
        }
        finally
        {
            if (source is not null) await source.DisposeAsync();
            if (destination is not null) await destination.DisposeAsync();
        }

        return check;
    }

    private async Task CompareAsync(AccountCheck check, IMailSource source, IMailDestination destination, CancellationToken cancellationToken)
    {
        var caps = destination.Capabilities;
        if (!caps.UidPlus) check.Notes.Add("new server lacks UIDPLUS: every pass re-reads whole folders (slower, still no duplicates)");
        if (!caps.MultiAppend) check.Notes.Add("new server lacks MULTIAPPEND: one APPEND per message (slower)");
        if (!caps.SpecialUse) check.Notes.Add("new server lacks SPECIAL-USE: Sent/Drafts/Trash/Junk are mapped by name only");

        var sourceNs = await source.GetNamespaceAsync(cancellationToken);
        var destinationNs = await destination.GetNamespaceAsync(cancellationToken);
        check.Notes.Add($"namespaces: old prefix '{sourceNs.Prefix}' separator '{sourceNs.Separator}', new prefix '{destinationNs.Prefix}' separator '{destinationNs.Separator}'");

        var sourceFolders = await source.ListFoldersAsync(cancellationToken);
        var map = FolderMapper.Map(sourceFolders, sourceNs, await destination.ListFoldersAsync(cancellationToken), destinationNs, context.Plan.Folders);
        check.Problems.AddRange(map.Problems);
        check.Notes.AddRange(map.Routes.Where(r => r.Source != r.Destination).Select(r => $"{r.Source} → {r.Destination} ({r.Reason.ToString().ToLowerInvariant()})"));
        check.Notes.AddRange(map.Excluded.Select(e => $"{e} excluded by the plan"));

        foreach (var route in map.Routes)
        {
            var status = await source.GetStatusAsync(route.Source, cancellationToken);
            check.SourceMessages += status.Count;
            check.SourceBytes += status.Bytes;
            if (caps.AppendLimit is { } limit && status.Count > 0)
            {
                var tooBig = (await source.ListMessagesAsync(route.Source, 0, cancellationToken)).Where(m => m.Size > limit);
                check.Problems.AddRange(tooBig.Select(m => $"{route.Source} UID {m.SourceId} ({MigrationReport.Bytes(m.Size)}) is over the new server's APPENDLIMIT of {MigrationReport.Bytes(limit)}: it would be refused"));
            }
        }

        await CheckQuotaAsync(check, destination, cancellationToken);
    }

    /// <summary>The new mailbox must hold what is already there plus everything the old one has.</summary>
    private static async Task CheckQuotaAsync(AccountCheck check, IMailDestination destination, CancellationToken cancellationToken)
    {
        var quota = await destination.GetQuotaAsync(cancellationToken);
        if (quota?.StorageLimitBytes is not { } limit)
        {
            check.Notes.Add("new server reports no storage quota: nothing to compare");
            return;
        }

        var needed = quota.StorageUsedBytes + check.SourceBytes;
        var line = $"quota on the new server {MigrationReport.Bytes(limit)}, used {MigrationReport.Bytes(quota.StorageUsedBytes)}, old mailbox {MigrationReport.Bytes(check.SourceBytes)}";
        if (needed > limit)
        {
            check.Problems.Add($"{line}: it does not fit");
        }
        else
        {
            check.Notes.Add(line);
        }
    }

    /// <summary>Runs a login; a refused login or an unreachable server becomes a problem line, not an exception.</summary>
    private static async Task<T?> TryAsync<T>(AccountCheck check, string what, Func<Task<T>> open) where T : class
    {
        try
        {
            return await open();
        }
        catch (AuthenticationFailedException ex)
        {
            check.LoginRefused = true;
            check.Problems.Add($"{what}: {ex.Message}");
        }
        catch (ServerUnreachableException ex)
        {
            check.Unreachable = true;
            check.Problems.Add($"{what}: {ex.Message}");
        }

        return null;
    }
}
