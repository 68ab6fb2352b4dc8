using MailKit;
using Runbook.Adapters.Mail;
using Runbook.Engine;
using Runbook.Errors;
using Runbook.Plan.Model;
using Runbook.Steps.Mail;

namespace Runbook.Steps.MailPreflight;

/// <summary>
/// Checks one account on both servers with read-only calls: logins, TLS settings, capabilities, namespaces, mapping,
/// sizes. A retryable failure (a dropped connection, a busy mailbox) reconnects both sides and checks the account again,
/// with backoff, up to <paramref name="attempts"/> times; the last failure becomes a problem line of that account.
/// </summary>
internal sealed class PreflightChecker(IMailConnector mail, StepContext context, int attempts = 4, TimeSpan? firstBackoff = null)
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(60);
    private readonly TimeSpan _firstBackoff = firstBackoff ?? TimeSpan.FromSeconds(2);

    public async Task<AccountCheck> CheckAsync(AccountDefinition account, CancellationToken cancellationToken)
    {
        var retries = new List<string>();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var check = await CheckOnceAsync(account, lastAttempt: attempt >= attempts, cancellationToken);
                check.Notes.AddRange(retries);
                foreach (var warning in check.Warnings)
                {
                    context.Log.Warning($"{account.Email}: {warning}");
                }
                return check;
            }
            catch (Exception ex) when (TransientErrors.IsRetryable(ex) && !cancellationToken.IsCancellationRequested)
            {
                if (attempt >= attempts)
                {
                    var failed = new AccountCheck(account.Email);
                    failed.Problems.Add($"still failing after {attempts} attempts: {ex.Message}");
                    failed.Transient = true;
                    failed.Notes.AddRange(retries);
                    return failed;
                }

                retries.Add($"attempt {attempt} of {attempts} failed ({ex.Message}); reconnected and checked again");
                context.Log.Warning($"{account.Email}: {ex.Message} (attempt {attempt} of {attempts})");
                await Task.Delay(TransientErrors.Backoff(attempt, _firstBackoff, MaxBackoff), context.Time, cancellationToken);
            }
        }
    }

    private async Task<AccountCheck> CheckOnceAsync(AccountDefinition account, bool lastAttempt, CancellationToken cancellationToken)
    {
        var check = new AccountCheck(account.Email);
        var old = MailStepParameters.Server(context.Plan, "old");
        var @new = MailStepParameters.Server(context.Plan, "new");
        var imap = new PlanAccountConnector(mail, context.Plan, context.Secrets, SourceProtocol.Imap);
        IMailSource? source = null;
        IDestinationProbe? destination = null;
        try
        {
            source = await TryAsync(check, lastAttempt, "old imap", () => imap.OpenSourceAsync(account, cancellationToken));
            destination = await TryAsync(check, lastAttempt, "new imap", () => imap.OpenDestinationProbeAsync(account, cancellationToken));
            if (old.Pop3 is not null)
            {
                var pop3 = new PlanAccountConnector(mail, context.Plan, context.Secrets, SourceProtocol.Pop3);
                await using var opened = await TryAsync(check, lastAttempt, "old pop3", () => pop3.OpenSourceAsync(account, cancellationToken));
            }

            if (@new.Smtp is not null)
            {
                var login = new MailLogin(account.New.User, await context.Secrets.ResolveAsync(account.New.Password, cancellationToken));
                var smtp = await TryAsync(check, lastAttempt, "new smtp", () => mail.ProbeSmtpAsync(PlanAccountConnector.Endpoint("new", @new.Smtp, "smtp"), login, cancellationToken));
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

    private async Task CompareAsync(AccountCheck check, IMailSource source, IDestinationProbe destination, CancellationToken cancellationToken)
    {
        var caps = destination.Capabilities;
        if (!caps.UidPlus) check.Notes.Add("new server lacks UIDPLUS: every pass re-reads whole folders (slower, still no duplicates)");
        if (!caps.MultiAppend) check.Notes.Add("new server lacks MULTIAPPEND: one APPEND per message (slower)");
        if (!caps.SpecialUse) check.Notes.Add("new server lacks SPECIAL-USE: Sent/Drafts/Trash/Junk are mapped by name only");

        var sourceNs = await source.GetNamespaceAsync(cancellationToken);
        var destinationNs = await destination.GetNamespaceAsync(cancellationToken);
        check.Notes.Add($"namespaces: old prefix '{sourceNs.Prefix}' separator '{sourceNs.Separator}', new prefix '{destinationNs.Prefix}' separator '{destinationNs.Separator}'");

        var sourceFolders = await source.ListFoldersWithSizesAsync(cancellationToken);
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
        await IdentifyAsync(check, destination, cancellationToken);
    }

    /// <summary>
    /// The new mailbox must hold what is already there plus everything the old one has, in bytes and in messages. An
    /// empty resource list is "no limit"; a quota reply that cannot be read is a warning (the quota is unknown).
    /// </summary>
    private static async Task CheckQuotaAsync(AccountCheck check, IDestinationProbe destination, CancellationToken cancellationToken)
    {
        var quota = await destination.GetQuotaAsync(cancellationToken);
        if (quota?.Unreadable is { } unreadable)
        {
            check.Warnings.Add($"{unreadable}; the new mailbox's quota is unknown, check it by hand");
            return;
        }

        check.Notes.AddRange(quota?.Others.Select(r => $"new server also limits {r.Name}: {r.Usage} of {r.Limit} used (not checked by Runbook)") ?? []);
        if (quota is { MessageLimit: { } messageLimit } && (quota.MessagesUsed ?? 0) + check.SourceMessages > messageLimit)
        {
            check.Problems.Add($"message quota on the new server {messageLimit}, used {quota.MessagesUsed ?? 0}, old mailbox {check.SourceMessages} messages: they do not fit");
        }

        if (quota?.StorageLimitBytes is not { } limit)
        {
            check.Notes.Add(quota is null ? "new server reports no storage quota: nothing to compare" : "new server sets no storage limit on this mailbox");
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

    /// <summary>Names the new server's software (from ID) in the table; an ID reply that cannot be read is only a warning.</summary>
    private static async Task IdentifyAsync(AccountCheck check, IDestinationProbe destination, CancellationToken cancellationToken)
    {
        var identity = await destination.IdentifyAsync(cancellationToken);
        if (identity?.Unreadable is { } unreadable) check.Warnings.Add(unreadable);
        else if (identity?.Software is { } software) check.Notes.Add($"new server software: {software}");
    }

    /// <summary>
    /// Runs a login; a refused login or an unreachable server becomes a problem line, not an exception. A connection
    /// that was up and got lost during the login is thrown instead (but on the last attempt), to be tried again.
    /// </summary>
    private static async Task<T?> TryAsync<T>(AccountCheck check, bool lastAttempt, string what, Func<Task<T>> open) where T : class
    {
        try
        {
            return await open();
        }
        catch (ServerUnreachableException ex) when (!lastAttempt && ex.InnerException is IOException or ProtocolException or ServiceNotConnectedException)
        {
            throw;
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
