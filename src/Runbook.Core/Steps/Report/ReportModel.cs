using System.Globalization;
using System.Text.Json.Nodes;
using Runbook.Engine;
using Runbook.Plan.Model;

namespace Runbook.Steps.Report;

/// <summary>
/// Builds the report model: the JSON report, and exactly what every template gets. It reads the state through
/// <see cref="IStateStore"/> only and works with no state at all (nothing applied yet: every step pending).
/// Times are ISO 8601 in the plan's timezone; keys are snake_case so templates read <c>step.finished_at</c>.
/// </summary>
internal sealed partial class ReportModel(RunbookPlan plan, IStateStore? store, string statePath, TimeProvider time)
{
    private readonly TimeZoneInfo zone = TimeZoneInfo.FindSystemTimeZoneById(plan.Timezone);

    public async Task<JsonObject> BuildAsync(CancellationToken cancellationToken)
    {
        var steps = store is null ? new Dictionary<string, StepRecord>() : await store.GetStepsAsync(cancellationToken);
        var journal = store is null ? [] : await store.ReadJournalAsync(cancellationToken);
        var exceptions = store is null ? [] : await store.ReadExceptionsAsync(null, cancellationToken);
        var stepAccounts = store is null ? [] : await store.GetStepAccountsAsync(null, cancellationToken);
        var approvals = new List<ApprovalRecord>();
        foreach (var step in plan.Steps)
        {
            if (store is not null && await store.GetApprovalAsync(step.Id, cancellationToken) is { } approval)
            {
                approvals.Add(approval);
            }
        }

        var planHash = store is null ? null : await store.GetMetaAsync("plan_hash", cancellationToken);
        var unsent = string.IsNullOrEmpty(statePath) ? [] : Notify.NotificationOutbox.List(statePath);
        var accounts = await AccountsAsync(exceptions, stepAccounts, cancellationToken);
        var stepRows = new JsonArray([.. plan.Steps.Select(s => (JsonNode)Step(s, steps.GetValueOrDefault(s.Id), approvals.Find(a => a.StepId == s.Id), stepAccounts))]);
        var now = time.GetUtcNow();
        return new JsonObject
        {
            ["report"] = new JsonObject
            {
                ["title"] = plan.Report.Title ?? plan.Name,
                ["language"] = plan.Report.Language,
                ["generated_at"] = Time(now),
                ["timezone"] = plan.Timezone,
                ["model_version"] = 1,
            },
            ["labels"] = ReportLabels.For(plan.Report.Language),
            ["plan"] = Plan(planHash),
            ["state"] = new JsonObject { ["path"] = statePath, ["exists"] = store is not null },
            ["totals"] = Totals(stepRows, accounts, exceptions),
            ["steps"] = stepRows,
            ["timeline"] = ReportTimeline.Build(plan.Steps, steps, journal, now, Time),
            ["journal"] = new JsonArray([.. journal.Select(e => (JsonNode)new JsonObject
            {
                ["seq"] = e.Seq, ["at"] = Time(e.At), ["step"] = e.StepId, ["event"] = e.Event, ["message"] = e.Message,
            })]),
            ["accounts"] = accounts,
            ["dns"] = await ReportDns.BuildAsync(plan, store, steps, journal, Time, cancellationToken),
            ["verification"] = ReportVerification.Build(plan, steps, journal, Time),
            ["backups"] = ReportBackups.Build(plan, steps, journal, Time),
            ["approvals"] = new JsonArray([.. approvals.Select(a => (JsonNode)new JsonObject { ["step"] = a.StepId, ["by"] = a.ApprovedBy, ["at"] = Time(a.ApprovedAt) })]),
            ["notifications_unsent"] = new JsonArray([.. unsent.Select(u => (JsonNode)new JsonObject
            {
                ["rule"] = u.Rule, ["event"] = u.Event, ["kept_at"] = Time(u.KeptAt), ["subject"] = u.Subject,
                ["to"] = string.Join(", ", u.To), ["file"] = Path.GetFileName(u.File),
            })]),
            ["problems"] = Problems(steps, journal, stepAccounts, exceptions, unsent),
            ["insecure"] = Insecure(),
        };
    }

    /// <summary>An instant in the plan's timezone, e.g. <c>2026-12-05T22:00:00+09:00</c>.</summary>
    public string? Time(DateTimeOffset? at) =>
        at is { } t ? TimeZoneInfo.ConvertTime(t, zone).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture) : null;

    private JsonObject Step(StepDefinition s, StepRecord? r, ApprovalRecord? approval, IReadOnlyList<StepAccountRecord> stepAccounts) => new()
    {
        ["id"] = s.Id,
        ["uses"] = s.Uses,
        ["description"] = s.Description,
        ["status"] = (r?.Status ?? StepStatus.Pending).ToString().ToLowerInvariant(),
        ["attempts"] = r?.Attempts ?? 0,
        ["first_started_at"] = Time(r?.FirstStartedAt),
        ["started_at"] = Time(r?.StartedAt),
        ["finished_at"] = Time(r?.FinishedAt),
        ["wait_until"] = Time(r?.WaitUntil),
        ["wait_reason"] = r?.WaitReason,
        ["error"] = r?.Error,
        ["summary"] = r?.Outputs?["summary"] is JsonValue v && v.TryGetValue<string>(out var text) ? text : null,
        ["outputs"] = r?.Outputs?.DeepClone(),
        ["approval"] = approval is null ? null : new JsonObject { ["by"] = approval.ApprovedBy, ["at"] = Time(approval.ApprovedAt) },
        ["failed_accounts"] = stepAccounts.Count(a => a.StepId == s.Id && a.Error is not null),
    };

    private JsonObject Plan(string? appliedHash) => new()
    {
        ["name"] = plan.Name,
        ["description"] = plan.Description,
        ["file"] = Path.GetFileName(plan.SourcePath),
        ["hash"] = plan.Hash,
        ["changed_since_apply"] = appliedHash is not null && appliedHash != plan.Hash,
        ["timezone"] = plan.Timezone,
        ["servers"] = new JsonArray([.. plan.Servers.Values.Select(s => (JsonNode)new JsonObject
        {
            ["name"] = s.Name,
            ["max_connections"] = s.MaxConnections,
            ["endpoints"] = new JsonArray([.. Endpoints(s).Select(e => (JsonNode)new JsonObject
            {
                ["protocol"] = e.Protocol,
                ["host"] = e.Endpoint.Host,
                ["port"] = e.Endpoint.Port,
                ["security"] = e.Endpoint.Security.ToString().ToLowerInvariant(),
                ["tls_verify"] = e.Endpoint.Tls.Verify,
                ["insecure_reason"] = e.Endpoint.Tls.InsecureReason,
            })]),
        })]),
        ["account_count"] = plan.Accounts.Count,
        ["windows"] = new JsonArray([.. plan.Windows.Values.Select(w => (JsonNode)new JsonObject
        {
            ["name"] = w.Name,
            ["days"] = string.Join(", ", w.Days.Select(d => d.ToString()[..3].ToLowerInvariant())),
            ["from"] = w.From.ToString("HH:mm", CultureInfo.InvariantCulture),
            ["to"] = w.To.ToString("HH:mm", CultureInfo.InvariantCulture),
            ["blackout"] = string.Join(", ", w.Blackout.Select(d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))),
        })]),
    };

    private static IEnumerable<(string Protocol, Endpoint Endpoint)> Endpoints(ServerDefinition s) =>
        new[] { ("imap", s.Imap), ("pop3", s.Pop3), ("smtp", s.Smtp) }.Where(e => e.Item2 is not null).Select(e => (e.Item1, e.Item2!));

    private JsonArray Insecure() => new([.. plan.Servers.Values.SelectMany(s => Endpoints(s).Where(e => !e.Endpoint.Tls.Verify || e.Endpoint.Security == TransportSecurity.None)
        .Select(e => (JsonNode)new JsonObject
        {
            ["server"] = s.Name,
            ["protocol"] = e.Protocol,
            ["host"] = $"{e.Endpoint.Host}:{e.Endpoint.Port}",
            ["security"] = e.Endpoint.Security.ToString().ToLowerInvariant(),
            ["reason"] = e.Endpoint.Tls.InsecureReason ?? (e.Endpoint.Security == TransportSecurity.None ? "security: none" : null),
        }))]);
}
