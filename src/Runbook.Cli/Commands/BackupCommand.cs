using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Runbook.Adapters.Mail;
using Runbook.Adapters.Secrets;
using Runbook.Errors;
using Runbook.Steps.MailBackup;

namespace Runbook.Cli.Commands;

/// <summary><c>runbook backup verify PLAN</c>: re-reads a plan's backups and names every missing, extra or corrupt file.</summary>
internal static class BackupCommand
{
    public const string Details = """
        verify: re-reads every file of every backup target of the plan (or --target), for every account the plan's
        mail.backup step selects, and checks it against the account's manifest (length and SHA-256); lists message
        files no manifest names; and, unless --offline, compares each folder's count in the manifest with the server's
        (one read-only index per folder, no message is read). Writes nothing. Exit 0: every backup is good; 1: a
        problem was found (each one is named); 69/77: the server could not be reached or refused the login.

        Examples:
          runbook backup verify acme.yaml
          runbook backup verify acme.yaml --target disk2 --offline
          runbook backup verify acme.yaml --json | jq '.checks[] | select(.ok | not)'
        """;

    public static Command Create(CliConsole console, EngineCli engine)
    {
        var plan = EngineOptions.Plan();
        var target = new Option<string?>("--target") { HelpName = "ID", Description = "Only this backup target (default all)." };
        var offline = new Option<bool>("--offline") { Description = "Do not ask the server for folder counts; check the files against the manifests only." };
        var json = EngineOptions.Json();
        var verify = new Command("verify", "Re-read a plan's backups and check them against their manifests and the server.") { plan, target, offline, json };
        verify.SetAction((parse, ct) => VerifyAsync(console, engine, parse.GetValue(plan)!, parse.GetValue(target), parse.GetValue(offline), parse.GetValue(json), ct));
        return new Command("backup", "Work with the backups mail.backup writes (verify).") { verify };
    }

    private static async Task<int> VerifyAsync(CliConsole console, EngineCli engine, string path, string? target, bool offline, bool json, CancellationToken cancellationToken)
    {
        var plan = await engine.LoadAsync(path, console, cancellationToken);
        var checks = await BackupVerification.RunAsync(plan, new MailConnector(), new PlanSecretResolver(plan), target, offline, cancellationToken);
        var failed = checks.Count(c => !c.Ok);
        if (json)
        {
            var document = new JsonObject
            {
                ["ok"] = failed == 0,
                ["checks"] = new JsonArray([.. checks.Select(c => (JsonNode)new JsonObject
                {
                    ["target"] = c.Target, ["account"] = c.Account, ["messages"] = c.Messages, ["bytes"] = c.Bytes, ["ok"] = c.Ok,
                    ["problems"] = new JsonArray([.. c.Problems.Select(p => (JsonNode)p)]),
                })]),
            };
            await console.Out.WriteLineAsync(document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        }
        else
        {
            foreach (var check in checks)
            {
                await console.Out.WriteLineAsync($"{check.Target} {check.Account}: {check.Messages} message(s), {Runbook.Steps.Mail.MigrationReport.Bytes(check.Bytes)} re-read: {(check.Ok ? "ok" : $"{check.Problems.Count} problem(s)")}");
                foreach (var problem in check.Problems)
                {
                    await console.Out.WriteLineAsync($"  {problem}");
                }
            }

            await console.Out.WriteLineAsync(failed == 0
                ? $"backup verified: {checks.Count} account backup(s) good{(offline ? " (offline: server counts not compared)" : "")}"
                : $"backup verification FAILED: {failed} of {checks.Count} account backup(s) have problems");
        }

        return failed == 0 ? (int)ExitCode.Success : (int)ExitCode.StepFailed;
    }
}
