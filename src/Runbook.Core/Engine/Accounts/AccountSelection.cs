using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Runbook.Errors;
using Runbook.Plan.Model;

namespace Runbook.Engine.Accounts;

/// <summary>Which accounts a step works on (<c>with: { accounts: all | group:NAME | [emails] }</c>) and what identifies each.</summary>
internal static class AccountSelection
{
    public static IReadOnlyList<AccountDefinition> Select(RunbookPlan plan, StepDefinition step)
    {
        var selection = step.With["accounts"];
        if (selection is JsonArray list)
        {
            var emails = list.Select(n => n!.GetValue<string>()).ToHashSet(StringComparer.OrdinalIgnoreCase);
            var unknown = emails.Where(e => !plan.Accounts.Any(a => string.Equals(a.Email, e, StringComparison.OrdinalIgnoreCase))).ToList();
            if (unknown.Count > 0)
            {
                throw new UsageException($"step {step.Id}: unknown account(s) {string.Join(", ", unknown)}", ExitCode.InvalidPlan);
            }

            return [.. plan.Accounts.Where(a => emails.Contains(a.Email))];
        }

        var text = selection?.GetValue<string>() ?? "all";
        if (text.StartsWith("group:", StringComparison.Ordinal))
        {
            var group = text["group:".Length..];
            return [.. plan.Accounts.Where(a => a.Groups.Contains(group, StringComparer.Ordinal))];
        }

        return [.. plan.Accounts];
    }

    /// <summary>
    /// What decides the work done for one account: its address and its logins on both servers. Groups, password
    /// references and other accounts are left out, so regrouping or fixing a password never redoes an account.
    /// </summary>
    public static string Fingerprint(AccountDefinition account)
    {
        var text = CanonicalJson.Write(new JsonObject
        {
            ["email"] = account.Email.ToLowerInvariant(),
            ["old"] = account.Old.User,
            ["new"] = account.New.User,
        });
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }
}
