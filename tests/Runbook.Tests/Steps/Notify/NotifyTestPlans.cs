using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using MimeKit;
using Runbook.Adapters.Mail;
using Runbook.Adapters.Mail.Smtp;
using Runbook.Engine;
using Runbook.Plan.Model;
using Runbook.Tests.Steps.Mail;

namespace Runbook.Tests.Steps.Notify;

/// <summary>Plans and contexts for the notify step: a new server with IMAP, SMTP and POP3, accounts, a night window.</summary>
internal static class NotifyTestPlans
{
    public const string Password = "s3cret-never-mailed";

    /// <summary>Friday 2026-12-04 10:00 in Tokyo; the night window opens that evening at 22:00.</summary>
    public static readonly DateTimeOffset Now = new(2026, 12, 4, 1, 0, 0, TimeSpan.Zero);

    public static RunbookPlan Plan(IReadOnlyList<string> emails, Endpoint? smtp = null, string? statePath = null, IReadOnlyList<NotificationDefinition>? notifications = null) => new()
    {
        Name = "acme-move",
        Description = "acme.test を新サーバーへ",
        Timezone = "Asia/Tokyo",
        SourcePath = statePath is null ? "/tmp/plan.yaml" : Path.Combine(Path.GetDirectoryName(statePath)!, "plan.yaml"),
        Hash = "h",
        Expanded = [],
        Servers = new Dictionary<string, ServerDefinition>
        {
            ["old"] = new() { Name = "old", Imap = new Endpoint { Host = "old.test", Port = 143, Security = TransportSecurity.None } },
            ["new"] = new()
            {
                Name = "new",
                Imap = new Endpoint { Host = "mail.new.test", Port = 993 },
                Pop3 = new Endpoint { Host = "mail.new.test", Port = 995 },
                Smtp = smtp ?? new Endpoint { Host = "mail.new.test", Port = 587, Security = TransportSecurity.StartTls },
            },
        },
        Accounts = [.. emails.Select(e => new AccountDefinition
        {
            Email = e,
            Old = new Credential { User = e, Password = new SecretReference { Env = "OLD_PW" } },
            New = new Credential { User = e, Password = new SecretReference { Env = "NEW_PW" } },
        })],
        Windows = new Dictionary<string, WindowDefinition>
        {
            ["night"] = new() { Name = "night", Days = [DayOfWeek.Friday], From = new TimeOnly(22, 0), To = new TimeOnly(5, 0) },
        },
        Notifications = notifications ?? [],
        Steps = [],
    };

    public static StepContext Context(RunbookPlan plan, JsonObject with, FakeStepState state, TimeProvider time, bool dryRun = false, string? statePath = null, ISleeper? sleeper = null) => new()
    {
        Plan = plan,
        // A plan account sends as itself (no servers.new.smtp.login here): the first account, named explicitly.
        Step = new StepDefinition { Id = "tell", Uses = "notify", With = WithSender(plan, with) },
        Time = time,
        Sleeper = sleeper ?? new TimeProviderSleeper(time),
        State = dryRun ? state.ReadOnly() : state,
        Secrets = new FixedSecret(),
        Progress = new Progress<StepProgress>(),
        Log = new NullLog(),
        DryRun = dryRun,
        StatePath = statePath,
        Attempt = 1,
    };

    public static FakeTimeProvider Clock() => new(Now);

    private static JsonObject WithSender(RunbookPlan plan, JsonObject with)
    {
        if (!with.ContainsKey("from") && plan.Accounts.Count > 0)
        {
            with["from"] = plan.Accounts[0].Email;
        }

        return with;
    }

    internal sealed class FixedSecret(string value = Password) : ISecretResolver
    {
        public ValueTask<string> ResolveAsync(SecretReference reference, CancellationToken cancellationToken) => ValueTask.FromResult(value);
    }

    private sealed class NullLog : IStepLog
    {
        public void Info(string message) { }
        public void Warning(string message) { }
    }
}

/// <summary>Records what would have been submitted; optionally fails every time like a server that is down.</summary>
internal sealed class RecordingSubmitter(Exception? failure = null) : IMailSubmitter
{
    public List<(MailLogin Login, MimeMessage Message)> Sent { get; } = [];
    public int Attempts { get; private set; }

    public Task SubmitAsync(MailEndpoint endpoint, MailLogin login, MimeMessage message, CancellationToken cancellationToken)
    {
        Attempts++;
        if (failure is not null) throw failure;
        Sent.Add((login, message));
        return Task.CompletedTask;
    }
}
