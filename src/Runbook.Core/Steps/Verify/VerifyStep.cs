using System.Text.Json.Nodes;
using Runbook.Adapters.Dns;
using Runbook.Adapters.Mail;
using Runbook.Adapters.Mail.Smtp;
using Runbook.Engine;
using Runbook.Errors;
using Runbook.Steps.Mail;

namespace Runbook.Steps.Verify;

/// <summary>
/// <c>verify</c>: proves the move is complete by reading both servers again, read-only, never trusting what the
/// migration wrote down. Each rule's verdict and evidence goes to the journal as it is reached, and into the outputs;
/// any failed rule fails the step (exit 1) naming the rules and accounts. Only the send/receive test writes (its own message).
/// </summary>
internal sealed class VerifyStep(IMailConnector mail, IReadOnlyList<IVerifyRule> rules) : IStepKind
{
    private const int MaxFailureLines = 40;

    public VerifyStep(IMailConnector mail, IMailRoundTrip roundTrip, IDnsAdapter dns) : this(mail, VerifyRules.Create(roundTrip, dns)) { }

    public string Name => "verify";

    public IReadOnlyList<string> PlanSections => ["servers", "accounts", "folders", "verification", "dns"];

    public Task<StepPreview> PreviewAsync(StepContext context, CancellationToken cancellationToken)
    {
        var settings = VerifySettings.From(context.Plan, context.Step);
        var on = rules.Where(r => r.IsOn(settings)).Select(r => r.Name).ToList();
        var details = new List<string> { $"rules: {string.Join(", ", on)}" };
        if (settings.ReadsMail)
        {
            details.Add($"reads every mapped folder of {settings.Accounts.Count} account(s) on both servers" + (settings.ReadsContent ? ", every message's bytes hashed" : ", counts only"));
        }

        if (settings.SendReceive)
        {
            details.Add($"sends one test message per account through servers.new.smtp and deletes it once seen");
        }

        return Task.FromResult(StepPreview.Changes($"verify {settings.Accounts.Count} account(s): {string.Join(", ", on)}", details));
    }

    public async Task<StepOutcome> ApplyAsync(StepContext context, CancellationToken cancellationToken)
    {
        var settings = VerifySettings.From(context.Plan, context.Step);
        var servers = new VerifyServers(mail, context.Plan, context.Secrets);
        var started = context.Time.GetUtcNow();
        var (comparisons, reads) = settings.ReadsMail ? await ReadAsync(context, settings, servers, cancellationToken) : ([], new Dictionary<string, AccountRead>());
        var run = new VerifyRun(context, settings, servers, comparisons, reads);
        var results = new List<RuleResult>();
        foreach (var rule in rules.Where(r => r.IsOn(settings)))
        {
            var result = await rule.CheckAsync(run, cancellationToken);
            results.Add(result);
            await context.State.RecordAsync($"verify {rule.Name}: {(result.Passed ? "passed" : "FAILED")}: {result.Summary}", result.ToJson(), cancellationToken);
            var line = $"{rule.Name}: {(result.Passed ? "passed" : "FAILED")}: {result.Summary}";
            if (result.Passed) context.Log.Info(line); else context.Log.Warning(line);
        }

        var finished = context.Time.GetUtcNow();
        var outputs = new JsonObject
        {
            ["passed"] = results.All(r => r.Passed),
            ["summary"] = Summary(settings, results),
            ["started_at"] = VerifyEvidence.Iso(started),
            ["finished_at"] = VerifyEvidence.Iso(finished),
            ["seconds"] = Math.Round((finished - started).TotalSeconds, 2),
            ["accounts"] = new JsonArray([.. settings.Accounts.Select(a => (JsonNode)a.Email)]),
            ["rules"] = new JsonObject(results.Select(r => KeyValuePair.Create(r.Rule, (JsonNode?)r.ToJson()))),
        };
        var failed = results.Where(r => !r.Passed).ToList();
        if (failed.Count == 0)
        {
            return StepOutcome.Succeeded(outputs);
        }

        var lines = failed.SelectMany(r => r.Failures.Select(f => $"  {r.Rule}: {f}")).ToList();
        var shown = lines.Take(MaxFailureLines).Append(lines.Count > MaxFailureLines ? $"  … {lines.Count - MaxFailureLines} more lines: `runbook log --json` has every rule's evidence" : null).OfType<string>();
        return StepOutcome.Fail($"{Summary(settings, results)}{Environment.NewLine}{string.Join(Environment.NewLine, shown)}", retryable: false);
    }

    private static string Summary(VerifySettings settings, List<RuleResult> results)
    {
        var failed = results.Where(r => !r.Passed).ToList();
        if (failed.Count == 0)
        {
            return $"verified {settings.Accounts.Count} account(s): {string.Join(", ", results.Select(r => r.Rule))} passed";
        }

        var accounts = settings.Accounts.Select(a => a.Email).Where(e => failed.Any(r => r.Failures.Any(f => f.StartsWith(e + ":", StringComparison.OrdinalIgnoreCase)))).ToList();
        return $"verify FAILED: {string.Join(", ", failed.Select(r => r.Rule))}" + (accounts.Count == 0 ? "" : $" for {string.Join(", ", accounts)}");
    }

    /// <summary>Both servers of several accounts at once; an account that cannot be read fails its rules with the reason, the others go on.</summary>
    private async Task<(IReadOnlyList<AccountComparison>, IReadOnlyDictionary<string, AccountRead>)> ReadAsync(
        StepContext context, VerifySettings settings, VerifyServers servers, CancellationToken cancellationToken)
    {
        var comparisons = new AccountComparison[settings.Accounts.Count];
        var reads = new AccountRead?[settings.Accounts.Count];
        // An account holds two connections to each server (listing and flags over MailKit, bodies over a raw one).
        var parallelism = Math.Max(1, Math.Min(4, Math.Min(MailStepParameters.Server(context.Plan, "old").MaxConnections, MailStepParameters.Server(context.Plan, "new").MaxConnections) / 2));
        long done = 0;
        var throttle = new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(Enumerable.Range(0, settings.Accounts.Count), throttle, async (i, ct) =>
        {
            var account = settings.Accounts[i];
            try
            {
                var read = await ReadWithRetryAsync(context, () => AccountRead.ReadAsync(servers, account, settings.Pop3Accounts.Contains(account.Email), settings.ReadsContent, context.Plan.Folders,
                    context.State.Ledger, n => context.Progress.Report(new StepProgress("verifying mail", Interlocked.Add(ref done, n), 0, "messages")), ct), ct);
                reads[i] = read;
                comparisons[i] = read.Map.IsValid
                    ? MailboxComparer.Compare(read, settings.ReadsContent)
                    : AccountComparison.Failed(account.Email, $"folder mapping: {string.Join("; ", read.Map.Problems)}");
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                comparisons[i] = AccountComparison.Failed(account.Email, e is RunbookException ? e.Message : $"{e.GetType().Name}: {e.Message}");
            }
        });

        return (comparisons, reads.OfType<AccountRead>().ToDictionary(r => r.Account.Email, StringComparer.OrdinalIgnoreCase));
    }

    /// <summary>A lost connection or a busy mailbox is read again from the start after a backoff (2 s, 4 s): a verdict needs a whole read.</summary>
    private static async Task<AccountRead> ReadWithRetryAsync(StepContext context, Func<Task<AccountRead>> read, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await read();
            }
            catch (Exception e) when (attempt < 3 && TransientErrors.IsRetryable(e) && !cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(TransientErrors.Backoff(attempt, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(8)), context.Time, cancellationToken);
            }
        }
    }
}
