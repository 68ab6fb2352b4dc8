using System.Text.Json.Nodes;
using static Runbook.Plan.Validation.JsonRead;

namespace Runbook.Plan.Validation;

/// <summary>
/// The sender of Runbook's own mail, as <c>Steps/Notify/NotificationSender</c> decides it at run time: with
/// <c>servers.new.smtp.login</c> any sender (default its user), without it only a plan account's address. A plan that
/// passes here never has its mail sent with a mailbox nobody chose.
/// </summary>
internal sealed partial class SemanticValidator
{
    private JsonObject? SmtpLogin => Obj(Obj(Obj(Obj(plan["servers"])?["new"])?["smtp"])?["login"]);

    private void CheckNotificationSenders()
    {
        foreach (var (rule, i) in Items(plan["notifications"]))
        {
            var path = PlanPath.Index("notifications", i);
            CheckSender(Str(Obj(rule)?["from"]), Obj(rule)?["from"] is null ? null : PlanPath.Key(path, "from"), path, $"notification {Str(Obj(rule)?["id"])}");
        }
    }

    /// <summary>A notify step's sender: its own from, else the first notifications: rule's from, else smtp.login's user.</summary>
    private void CheckNotifySender(JsonObject with, string stepPath)
    {
        var fromPath = with["from"] is null ? null : PlanPath.Key(PlanPath.Key(stepPath, "with"), "from");
        var from = Str(with["from"]) ?? Items(plan["notifications"]).Select(r => Str(Obj(r.Node)?["from"])).FirstOrDefault(f => f is not null);
        CheckSender(from, fromPath, PlanPath.Key(stepPath, "uses"), "notify");
    }

    private void CheckSender(string? from, string? fromPath, string keyPath, string who)
    {
        var login = SmtpLogin;
        if (from is null)
        {
            if (Str(login?["user"]) is not { } user || !user.Contains('@', StringComparison.Ordinal))
                ErrorAtKey(keyPath, $"{who} has no sender: set from (a plan account's address), or servers.new.smtp.login with an address as user (the mailbox Runbook sends its mail as)");
            return;
        }

        if (login is null && !emails.Contains(from))
            Error(fromPath ?? keyPath, $"no SMTP login to send as {from}: it is not a plan account; set servers.new.smtp.login (the mailbox Runbook sends its mail as), or send from an account's address");
    }
}
