using System.Globalization;
using System.Text.Json.Nodes;
using Runbook.Engine;
using Runbook.Plan.Model;
using Runbook.Plan.Steps;

namespace Runbook.Steps.Report;

/// <summary>
/// Verify's evidence rule by rule, from the journal (each verdict is journaled as it is reached, so a failed verify
/// shows too): per verify step its latest verdict of every rule, the rule's raw evidence, and the same flattened
/// into <c>checks</c> (what, expected, observed, passed) and <c>messages</c> (each message named as not there).
/// </summary>
internal static class ReportVerification
{
    public static JsonArray Build(RunbookPlan plan, IReadOnlyDictionary<string, StepRecord> steps, IReadOnlyList<JournalEntry> journal, Func<DateTimeOffset?, string?> time)
    {
        var result = new JsonArray();
        foreach (var step in plan.Steps.Where(s => s.Uses == StepKinds.Verify))
        {
            // Latest verdict per rule: a verify run after a fix replaces the earlier evidence.
            var verdicts = journal.Where(e => e.StepId == step.Id && e.Event == "effect" && e.Detail?["rule"] is not null && e.Detail["passed"] is not null)
                .GroupBy(e => e.Detail!["rule"]!.GetValue<string>()).Select(g => g.Last()).OrderBy(e => e.Seq).ToList();
            var record = steps.GetValueOrDefault(step.Id);
            result.Add(new JsonObject
            {
                ["step"] = step.Id,
                ["status"] = (record?.Status ?? StepStatus.Pending).ToString().ToLowerInvariant(),
                ["passed"] = verdicts.Count > 0 && verdicts.All(v => v.Detail!["passed"]!.GetValue<bool>()),
                ["at"] = time(verdicts.Count > 0 ? verdicts[^1].At : null),
                ["rules"] = new JsonArray([.. verdicts.Select(v => (JsonNode)Rule(v, time))]),
            });
        }

        return result;
    }

    private static JsonObject Rule(JournalEntry entry, Func<DateTimeOffset?, string?> time)
    {
        var d = entry.Detail!;
        var rule = d["rule"]!.GetValue<string>();
        var checks = new JsonArray();
        var messages = new JsonArray();
        void Check(string? account, string what, object? expected, object? observed, bool? passed, string? detail = null) => checks.Add(new JsonObject
        {
            ["account"] = account, ["what"] = what, ["expected"] = Text(expected), ["observed"] = Text(observed), ["passed"] = passed, ["detail"] = detail,
        });

        foreach (var a in Items(d, "accounts"))
        {
            var account = Str(a, "account");
            if (Str(a, "error") is { } error)
            {
                Check(account, rule, null, null, false, error);
                continue;
            }

            switch (rule)
            {
                case "counts":
                    foreach (var f in Items(a, "folders"))
                    {
                        var removed = Int(f, "removed_by_person");
                        Check(account, $"{string.Join(" + ", Items(f, "sources").Select(s => s.GetValue<string>()))} → {Str(f, "destination")}", Int(f, "old"), Int(f, "new"), Bool(f, "passed"),
                            removed > 0 ? $"{removed} removed by a person" : null);
                    }

                    break;
                case "every_message":
                    var failing = new[] { "missing", "altered", "duplicated", "attributes_differ", "deleted_after_copy" };
                    var counted = string.Join(", ", failing.Concat(["moved_after_copy", "extra"]).Where(k => Int(a[k], "count") > 0).Select(k => $"{k.Replace('_', ' ')} {Int(a[k], "count")}"));
                    Check(account, Str(a, "compared") ?? "every message", Int(a, "source_messages"), Int(a, "matched"), failing.All(k => Int(a[k], "count") == 0), counted.Length == 0 ? null : counted);
                    foreach (var kind in failing.Concat(["moved_after_copy", "extra"]))
                    {
                        foreach (var m in Items(a[kind], "listed"))
                        {
                            messages.Add(new JsonObject
                            {
                                ["account"] = account, ["kind"] = kind, ["folder"] = Str(m, "folder") ?? Str(m, "destination"), ["uid"] = Str(m, "uid"),
                                ["date"] = Str(m, "date"), ["from"] = Str(m, "from"), ["subject"] = Str(m, "subject"), ["size"] = Int(m, "size"), ["sha256"] = Str(m, "sha256"), ["detail"] = Str(m, "detail"),
                                ["fails"] = failing.Contains(kind),
                            });
                        }
                    }

                    break;
                case "send_receive":
                    Check(account, "test message", "INBOX", Bool(a, "passed") == true ? $"{Int(a, "delay_ms")} ms" : null, Bool(a, "passed"), Str(a, "error"));
                    break;
            }
        }

        foreach (var m in Items(d, "messages"))
        {
            var hit = Items(m, "found_in").FirstOrDefault();
            Check(Str(m, "account"), Str(m, "looked_for") ?? "important", "found", hit is null ? Str(m, "error") ?? "not found" : $"{Str(hit, "folder")} UID {Str(hit, "uid")}", Bool(m, "found") == true, Str(m, "note"));
        }

        foreach (var r in Items(d, "resolvers"))
        {
            Check(null, $"{Str(r, "name")} MX", Str(d, "expected"), Str(r, "mx") is { } mx ? $"{mx} (TTL {Int(r, "ttl")})" : Str(r, "error"), Bool(r, "passed"));
        }

        foreach (var s in Items(d, "steps"))
        {
            Check(null, Str(s, "step") ?? "backup", "done, verified", $"{Str(s, "status")}{(Bool(s, "verified") == true ? ", verified" : ", not verified")}, {Str(s, "finished_at")}", Bool(s, "passed"));
        }

        var evidence = d.DeepClone().AsObject();
        evidence.Remove("rule");
        evidence.Remove("passed");
        evidence.Remove("summary");
        return new JsonObject
        {
            ["rule"] = rule,
            ["passed"] = d["passed"]!.GetValue<bool>(),
            ["summary"] = Str(d, "summary"),
            ["at"] = time(entry.At),
            ["checks"] = checks,
            ["messages"] = messages,
            ["evidence"] = evidence,
        };
    }

    private static IEnumerable<JsonNode> Items(JsonNode? node, string key) => node?[key] is JsonArray a ? a.OfType<JsonNode>() : [];

    private static string? Str(JsonNode? node, string key) => node?[key] is JsonValue v ? v.ToString() : null;

    private static long Int(JsonNode? node, string key) => node?[key] is JsonValue v && v.TryGetValue<long>(out var l) ? l : node?[key] is JsonValue w && w.TryGetValue<int>(out var i) ? i : 0;

    private static bool? Bool(JsonNode? node, string key) => node?[key] is JsonValue v && v.TryGetValue<bool>(out var b) ? b : null;

    private static string? Text(object? value) => value switch
    {
        null => null,
        long l => l.ToString("N0", CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };
}
