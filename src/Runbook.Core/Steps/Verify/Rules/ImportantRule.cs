using System.Text.Json.Nodes;
using Runbook.Plan.Model;

namespace Runbook.Steps.Verify.Rules;

/// <summary>
/// <c>important</c>: each message of <c>verification.important</c> found on the new server (by Message-ID, or by
/// subject / sender / date range), with the folder and UID it was found in; one not found says whether the old server has it.
/// </summary>
internal sealed class ImportantRule : IVerifyRule
{
    public string Name => "important";

    public bool IsOn(VerifySettings settings) => settings.Important.Count > 0;

    public Task<RuleResult> CheckAsync(VerifyRun run, CancellationToken cancellationToken)
    {
        var failures = new List<string>();
        var items = new JsonArray();
        foreach (var wanted in run.Settings.Important)
        {
            var json = new JsonObject { ["account"] = wanted.Account, ["looked_for"] = Describe(wanted) };
            if (!run.Reads.TryGetValue(wanted.Account, out var read))
            {
                var error = run.Comparisons.FirstOrDefault(c => c.Account == wanted.Account)?.Error ?? "not read";
                failures.Add($"{wanted.Account}: {Describe(wanted)}: {error}");
                json["error"] = error;
                items.Add(json);
                continue;
            }

            var expected = wanted.Folder is null ? null : read.Map.Routes.FirstOrDefault(r => r.Source == wanted.Folder)?.Destination ?? wanted.Folder;
            var hits = read.Destination.Values.SelectMany(f => f.Messages).Where(m => Matches(wanted, m))
                .OrderBy(m => m.Folder == expected ? 0 : 1).ToList();
            json["found"] = hits.Count > 0;
            json["found_in"] = new JsonArray([.. hits.Take(run.Settings.ListLimit).Select(m => (JsonNode)Where(m))]);
            if (hits.Count == 0)
            {
                var old = read.Source.Values.SelectMany(f => f.Messages).FirstOrDefault(m => Matches(wanted, m));
                json["on_old_server"] = old is null ? null : Where(old);
                failures.Add($"{wanted.Account}: {Describe(wanted)}: not found on the new server"
                    + (old is null ? " (nor on the old one)" : $" (the old server has it: {old.Folder} UID {old.SourceId}, {old.Headline.Subject})"));
            }
            else if (expected is not null && hits[0].Folder != expected)
            {
                json["note"] = $"not in {expected}, where {wanted.Folder} maps to: a person may have moved it";
            }

            items.Add(json);
        }

        var found = items.Count(i => i!["found"]?.GetValue<bool>() == true);
        return Task.FromResult(new RuleResult(Name, failures.Count == 0, $"{found} of {items.Count} important messages found on the new server", failures,
            new JsonObject { ["messages"] = items }));
    }

    private static bool Matches(ImportantMessage wanted, MessageFacts m) =>
        (wanted.MessageId is null || Bare(m.MessageId) == Bare(wanted.MessageId))
        && (wanted.Subject is null || (m.Headline.Subject ?? "").Contains(wanted.Subject, StringComparison.OrdinalIgnoreCase))
        && (wanted.From is null || (m.Headline.From ?? "").Contains(wanted.From, StringComparison.OrdinalIgnoreCase))
        && (wanted.After is null || (m.ShownDate is { } a && DateOnly.FromDateTime(a.UtcDateTime) >= wanted.After))
        && (wanted.Before is null || (m.ShownDate is { } b && DateOnly.FromDateTime(b.UtcDateTime) < wanted.Before));

    private static string? Bare(string? id) => id?.Trim().Trim('<', '>');

    private static JsonObject Where(MessageFacts m) => new()
    {
        ["folder"] = m.Folder, ["uid"] = m.SourceId, ["date"] = VerifyEvidence.Iso(m.ShownDate), ["from"] = m.Headline.From, ["subject"] = m.Headline.Subject, ["sha256"] = m.Sha256,
    };

    private static string Describe(ImportantMessage m) => string.Join(", ", new[]
    {
        m.MessageId is null ? null : $"Message-ID {m.MessageId}",
        m.Subject is null ? null : $"subject \"{m.Subject}\"",
        m.From is null ? null : $"from {m.From}",
        m.After is null ? null : $"on or after {m.After:yyyy-MM-dd}",
        m.Before is null ? null : $"before {m.Before:yyyy-MM-dd}",
        m.Folder is null ? null : $"in {m.Folder}",
    }.OfType<string>());
}
