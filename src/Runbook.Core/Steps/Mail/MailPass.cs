using System.Text.Json.Nodes;
using Runbook.Adapters.Mail;
using Runbook.Engine;
using Runbook.Errors;

namespace Runbook.Steps.Mail;

/// <summary>Opens the accounts' connections for a step run.</summary>
internal delegate IAccountConnector AccountConnectorFactory(StepContext context, MailStepParameters parameters);

/// <summary>
/// One migration pass as a step runs it (mail.migrate once per account, mail.delta_sync repeatedly): the accounts the
/// step has not settled, each on its own, against the shared copy ledger; each account's outcome is recorded.
/// </summary>
internal sealed class MailPass(AccountConnectorFactory connect, string spoolRoot)
{
    public static AccountConnectorFactory FromPlan(IMailConnector mail) =>
        (context, parameters) => new PlanAccountConnector(mail, context.Plan, context.Secrets, parameters.Source, parameters.SourceBodyConnection(context.Plan));

    public async Task<IReadOnlyList<AccountResult>> RunAsync(StepContext context, bool apply, CancellationToken cancellationToken)
    {
        var parameters = MailStepParameters.From(context.Plan, context.Step);
        var accounts = parameters.Accounts.Where(a => !context.SettledAccounts.Contains(a.Email)).ToList();
        // Originals of repaired messages are kept beside the state (quarantine/), never only in a temp folder.
        var quarantine = context.StatePath is { } state ? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(state))!, "quarantine") : null;
        var migration = new MailMigration(connect(context, parameters), parameters.Options(spoolRoot, quarantine), context.State.Ledger, context.Time);
        var progress = new CopyCounter(context.Progress, apply ? "copying mail" : "counting mail");
        var results = await migration.RunAsync(accounts, context.Plan.Folders, apply, parameters.Parallelism(context.Plan), progress, cancellationToken);
        if (apply)
        {
            await RecordAsync(context, results, cancellationToken);
        }

        foreach (var result in results.Where(r => r.ContentMatchOnly))
        {
            context.Log.Warning($"{result.Account}: no copy ledger for this account yet (first run, or the state was deleted) and the new server already holds mail: matched by content (Message-ID and size, or header digest)");
        }

        foreach (var rejection in results.SelectMany(r => r.Rejections))
        {
            context.Log.Warning($"{rejection.Account} {rejection.Folder} UID {rejection.SourceId} ({MigrationReport.Bytes(rejection.Size)}) refused by the new server: {rejection.Reason}");
        }

        foreach (var repaired in results.SelectMany(r => r.Repairs))
        {
            context.Log.Info($"{repaired.Account} {repaired.Folder} UID {repaired.SourceId} repaired before copying ({string.Join("; ", repaired.Changes)}); original kept at {repaired.Original}");
        }

        foreach (var alteration in results.SelectMany(r => r.Alterations))
        {
            context.Log.Warning($"{alteration.Account} {alteration.Folder} UID {alteration.SourceId} altered by the new server{(alteration.Software is { } s ? $" ({s})" : "")}, stored as {alteration.Destination} UID {alteration.DestinationUid}: {alteration.What}");
        }

        ThrowWhenNoAccountGotIn(results);
        return results;
    }

    /// <summary>The step's accounts' exceptions that nobody resolved or accepted yet.</summary>
    public static async Task<IReadOnlyList<MessageException>> OpenExceptionsAsync(StepContext context, CancellationToken cancellationToken)
    {
        var open = new List<MessageException>();
        foreach (var account in MailStepParameters.From(context.Plan, context.Step).Accounts)
        {
            open.AddRange((await context.State.Ledger.ReadExceptionsAsync(account.Email, cancellationToken)).Where(e => e.Open));
        }

        return open;
    }

    /// <summary>Adds the open exceptions to a finished step's outputs: the step is then done with exceptions.</summary>
    public static async Task<JsonObject> WithExceptionsAsync(StepContext context, JsonObject outputs, CancellationToken cancellationToken)
    {
        var open = await OpenExceptionsAsync(context, cancellationToken);
        outputs["open_exceptions"] = open.Count;
        if (open.Count > 0)
        {
            outputs["summary"] = $"{outputs["summary"]?.GetValue<string>()}; done with exceptions: {open.Count} message(s) refused or altered, not accepted";
        }

        return outputs;
    }

    /// <summary>
    /// When every account failed for the same reason before anything was read (a server down, the logins all
    /// refused), the run ends with that reason's own exit code (69, 77) instead of a per-account failure.
    /// </summary>
    private static void ThrowWhenNoAccountGotIn(IReadOnlyList<AccountResult> results)
    {
        if (results.Count == 0 || results.Any(r => r.ExitCode is not (ExitCode.Unreachable or ExitCode.AuthenticationFailed)))
        {
            return;
        }

        var lines = string.Join(Environment.NewLine, results.OrderBy(r => r.Account, StringComparer.Ordinal).Select(r => $"  {r.Account}: {r.Error}"));
        var message = $"cannot log in for {results.Count} account(s); nothing was copied:{Environment.NewLine}{lines}";
        // Unreachable wins: when a host is down, the passwords were never really tried.
        throw results.Any(r => r.ExitCode == ExitCode.Unreachable) ? new ServerUnreachableException(message) : new AuthenticationFailedException(message);
    }

    private static async Task RecordAsync(StepContext context, IReadOnlyList<AccountResult> results, CancellationToken cancellationToken)
    {
        foreach (var account in results)
        {
            var failure = MigrationReport.Failure([account]);
            await context.State.SetAccountOutcomeAsync(account.Account, failure, cancellationToken);
            await context.State.Ledger.RecordExceptionsAsync(Exceptions(account), cancellationToken);
            var copied = account.Folders.Sum(f => f.Copied);
            if (copied == 0 && account.Rejections.Count == 0 && account.Dropped.Count == 0 && !account.Failed)
            {
                continue;
            }

            var detail = MigrationReport.Outputs([account]);
            await context.State.RecordAsync(
                $"appended {copied} messages ({MigrationReport.Bytes(account.Folders.Sum(f => f.CopiedBytes))}) for {account.Account}; {account.Rejections.Count} refused" +
                (account.Failed ? "; FAILED" : ""),
                (JsonObject)detail["accounts"]![0]!.DeepClone(), cancellationToken);
        }
    }

    /// <summary>Refused and altered messages as exceptions: they stay on record until a pass copies them or a person accepts them.</summary>
    private static List<MessageException> Exceptions(AccountResult account) =>
    [
        .. account.Rejections.Select(r => new MessageException
        {
            Account = r.Account, SourceFolder = r.Folder, SourceUidValidity = r.UidValidity, SourceId = r.SourceId,
            Kind = ExceptionKind.Refused, Reason = r.Reason, Size = r.Size,
        }),
        .. account.Alterations.Select(a => new MessageException
        {
            Account = a.Account, SourceFolder = a.Folder, SourceUidValidity = a.UidValidity, SourceId = a.SourceId,
            Kind = ExceptionKind.Altered, Reason = a.What, Size = a.Size,
            Where = $"{a.Destination} UID {a.DestinationUid}" + (a.Software is { } s ? $" on {s}" : ""),
        }),
    ];

    /// <summary>Adds up batch reports from parallel accounts for the progress display.</summary>
    private sealed class CopyCounter(IProgress<StepProgress> target, string activity) : IProgress<CopyProgress>
    {
        private long _messages;
        private long _bytes;

        public void Report(CopyProgress value)
        {
            var messages = Interlocked.Add(ref _messages, value.Messages);
            Interlocked.Add(ref _bytes, value.Bytes);
            target.Report(new StepProgress(activity, messages, 0, "messages"));
        }
    }
}
