using Runbook.Plan.Model;

namespace Runbook.Steps.Notify;

/// <summary>
/// Who Runbook's own mail is from and which login submits it to <c>servers.new.smtp</c>, decided in one place:
/// <c>servers.new.smtp.login</c> when the plan has one (the sender defaults to its user), else the plan account whose
/// address is the sender, with its new login. Nothing else: a customer's mailbox is never borrowed silently. The
/// validator applies the same rule to the plan's YAML, so a plan that passes validation always has a sender.
/// </summary>
internal sealed record NotificationSender(string From, Credential Login)
{
    /// <summary>The sender and its login for <paramref name="configured"/> (a rule's or step's <c>from</c>), or why there is none.</summary>
    public static NotificationSender? Resolve(RunbookPlan plan, string? configured, out string? problem)
    {
        var login = plan.Servers.GetValueOrDefault("new")?.SmtpLogin;
        var from = configured ?? (login?.User.Contains('@', StringComparison.Ordinal) == true ? login.User : null);
        problem = null;
        if (from is null)
        {
            problem = "no sender: set from (a plan account's address), or servers.new.smtp.login";
            return null;
        }

        if (login is not null)
        {
            return new NotificationSender(from, login);
        }

        var account = plan.Accounts.FirstOrDefault(a => string.Equals(a.Email, from, StringComparison.OrdinalIgnoreCase));
        if (account is null)
        {
            problem = $"no SMTP login to send as {from}: it is not a plan account; set servers.new.smtp.login (the mailbox Runbook sends its mail as)";
            return null;
        }

        return new NotificationSender(from, account.New);
    }
}
