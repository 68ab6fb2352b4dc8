using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Runbook.Engine;
using Runbook.Tests.Support;

namespace Runbook.Tests.Steps.Report;

/// <summary>
/// A real state for reports: the CLI applies a plan of N accounts (a test kind that records effects, then the report
/// step), and the state then gets what mail steps write: ledger entries, a refused and an altered message, an approval.
/// </summary>
internal sealed class ReportFixture : IDisposable
{
    public const string Hostile = "<script>alert('x')</script> Q4 & \"numbers\"";
    public static readonly DateTimeOffset Now = new(2026, 12, 5, 13, 0, 0, TimeSpan.Zero);

    /// <param name="evidence">Adds a verify step (never applied) whose evidence the seed journals, naming a missing message with the hostile subject.</param>
    public ReportFixture(int accounts, string language = "en", string? report = null, bool evidence = false)
    {
        Accounts = accounts;
        _evidence = evidence;
        var csv = new StringBuilder("email,old_user,old_password,new_user,new_password,groups\n");
        for (var i = 0; i < accounts; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"user{i}@acme.test,user{i},env:OLD_{i},user{i}@acme.test,env:NEW_{i},{(i == 0 ? "test" : "all")}\n");
        }

        Harness = new CliHarness(TestPlans.EngineHeader.Replace("accounts: []", "accounts:\n  - { csv: accounts.csv }", StringComparison.Ordinal)
            .Replace("port: 2143, security: none }", "port: 2143, security: starttls, tls: { verify: false, insecure_reason: lab certificate } }", StringComparison.Ordinal) + $$"""
            {{report ?? $"report: {{ formats: [html, markdown, json], language: {language}, title: acme.test mail move }}"}}
            steps:
              - { id: copy, uses: test.effect, with: { units: 2 } }
              - { id: report, uses: report }
            {{(evidence ? "  - { id: verify, uses: verify, with: { send_receive: false, mx: false } }" : "")}}
            """, Now);
        File.WriteAllText(Path.Combine(Harness.Directory, "accounts.csv"), csv.ToString());
    }

    private readonly bool _evidence;

    public int Accounts { get; }
    public CliHarness Harness { get; }
    public string ReportBase => Path.Combine(Harness.Directory, "acme.report");

    /// <summary>Applies the plan, then adds three messages per account to the ledger (2 copied, 1 already there), and the exceptions.</summary>
    public async Task SeedAsync()
    {
        var (code, output) = _evidence ? await Harness.RunAsync("apply", Harness.PlanPath, "--step", "copy") : await Harness.RunAsync("apply", Harness.PlanPath);
        Assert.True(code == 0, output);
        Harness.Time.Advance(TimeSpan.FromMinutes(5));
        await using var store = await Runbook.Adapters.State.StateStore.OpenAsync(Harness.StatePath, Harness.Time, CancellationToken.None);
        var entries = new List<LedgerEntry>();
        for (var i = 0; i < Accounts; i++)
        {
            entries.Add(Entry(i, "INBOX", "1", LedgerHow.Copied, 1000));
            entries.Add(Entry(i, "INBOX", "2", LedgerHow.Copied, 2000));
            entries.Add(Entry(i, "INBOX.Sent", "1", LedgerHow.Matched, 500));
        }

        await store.WriteLedgerAsync("copy", entries, CancellationToken.None);
        await store.WriteExceptionsAsync("copy", [Exception(ExceptionKind.Refused, "3", $"NO [CANNOT] message refused: {Hostile}"), Exception(ExceptionKind.Altered, "4", "stored 1,204 bytes, sent 1,208")], CancellationToken.None);
        await store.AcceptExceptionAsync(MessageException.IdOf("user0@acme.test", "INBOX", 7, "4"), "Yuki Tanaka", "the customer's archive tool rewrote it", CancellationToken.None);
        await store.AppendJournalAsync("copy", "effect", $"appended 1 message to user0@acme.test/INBOX: {Hostile}", new JsonObject(), CancellationToken.None);
        await store.ApproveAsync("report", "any", "Yuki Tanaka", CancellationToken.None);
        if (_evidence)
        {
            await store.AppendJournalAsync("verify", "effect", "verify every_message: FAILED", EveryMessageVerdict(), CancellationToken.None);
        }
    }

    /// <summary>The shape <c>RuleResult.ToJson</c> journals for every_message: one account short by one message.</summary>
    private static JsonObject EveryMessageVerdict() => new()
    {
        ["rule"] = "every_message", ["passed"] = false, ["summary"] = "2 of 3 old messages found on the new server byte for byte; 1 missing",
        ["accounts"] = new JsonArray(new JsonObject
        {
            ["account"] = "user0@acme.test", ["compared"] = "content, flags, keywords, INTERNALDATE", ["source_messages"] = 3, ["matched"] = 2,
            ["missing"] = new JsonObject
            {
                ["count"] = 1,
                ["listed"] = new JsonArray(new JsonObject { ["folder"] = "INBOX", ["uid"] = "3", ["date"] = "2026-12-01T00:00:00Z", ["from"] = "a@acme.test", ["subject"] = Hostile, ["size"] = 1208 }),
            },
        }),
    };

    private static LedgerEntry Entry(int i, string folder, string id, LedgerHow how, long size) => new()
    {
        Account = $"user{i}@acme.test", SourceFolder = folder, SourceUidValidity = 7, SourceId = id, Identity = $"<{i}.{folder}.{id}@acme.test>:{size}",
        Size = size, DestinationFolder = folder.Replace("INBOX.", "", StringComparison.Ordinal), DestinationUidValidity = 9, DestinationUid = uint.Parse(id, CultureInfo.InvariantCulture), How = how,
    };

    private static MessageException Exception(ExceptionKind kind, string id, string reason) => new()
    {
        Account = "user0@acme.test", SourceFolder = "INBOX", SourceUidValidity = 7, SourceId = id, Kind = kind, Reason = reason, Size = 1208,
    };

    public async Task<(int Code, string Output)> ReportAsync(params string[] args) => await Harness.RunAsync(["report", Harness.PlanPath, .. args]);

    public void Dispose() => Harness.Dispose();
}
