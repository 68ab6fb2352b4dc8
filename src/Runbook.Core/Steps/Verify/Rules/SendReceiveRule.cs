using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Runbook.Adapters.Mail.Smtp;
using Runbook.Errors;

namespace Runbook.Steps.Verify.Rules;

/// <summary>
/// <c>send_receive</c>: for each account, a message sent through <c>servers.new.smtp</c> authenticated as that account,
/// to that account, seen in its INBOX within the timeout and deleted again; the measured delay is the evidence.
/// </summary>
internal sealed class SendReceiveRule(IMailRoundTrip roundTrip) : IVerifyRule
{
    public string Name => "send_receive";

    public bool IsOn(VerifySettings settings) => settings.SendReceive;

    public async Task<RuleResult> CheckAsync(VerifyRun run, CancellationToken cancellationToken)
    {
        var results = new ConcurrentDictionary<string, JsonObject>(StringComparer.OrdinalIgnoreCase);
        var failures = new ConcurrentBag<string>();
        var smtp = run.Servers.NewSmtp;
        var imap = run.Servers.NewImap;
        var throttle = new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(run.Settings.Accounts, throttle, async (account, ct) =>
        {
            try
            {
                var login = await run.Servers.NewLoginAsync(account, ct);
                var result = await roundTrip.RunAsync(smtp, imap, login, account.Email, run.Settings.SendReceiveTimeout, run.Context.Time, ct);
                results[account.Email] = new JsonObject
                {
                    ["account"] = account.Email,
                    ["passed"] = true,
                    ["message_id"] = result.MessageId,
                    ["sent_at"] = VerifyEvidence.Iso(result.SentAt),
                    ["seen_at"] = VerifyEvidence.Iso(result.SeenAt),
                    ["delay_ms"] = (long)result.Delay.TotalMilliseconds,
                    ["deleted"] = result.Removed,
                };
            }
            catch (Exception e) when (e is RunbookException || (e is OperationCanceledException && !ct.IsCancellationRequested))
            {
                failures.Add($"{account.Email}: {e.Message}");
                results[account.Email] = new JsonObject { ["account"] = account.Email, ["passed"] = false, ["error"] = e.Message, ["via"] = smtp.ToString() };
            }
        });

        var ok = results.Values.Where(r => r["passed"]!.GetValue<bool>()).ToList();
        var slowest = ok.Count == 0 ? "" : $", slowest {ok.Max(r => r["delay_ms"]!.GetValue<long>())} ms";
        return new RuleResult(Name, failures.IsEmpty, $"{ok.Count} of {results.Count} test messages through {smtp} reached INBOX{slowest}",
            [.. failures.Order(StringComparer.Ordinal)],
            new JsonObject { ["accounts"] = new JsonArray([.. results.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => (JsonNode)r.Value)]) });
    }
}
