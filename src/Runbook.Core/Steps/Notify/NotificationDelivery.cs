using MimeKit;
using Runbook.Adapters.Mail;
using Runbook.Adapters.Mail.Smtp;
using Runbook.Engine;
using Runbook.Errors;
using Runbook.Plan.Model;

namespace Runbook.Steps.Notify;

/// <summary>How often a notification is tried before it is reported as not sent, and how long between tries (doubling).</summary>
internal sealed record NotifyRetry(int Attempts = 3, TimeSpan? Backoff = null)
{
    public TimeSpan FirstBackoff => Backoff ?? TimeSpan.FromSeconds(5);
}

/// <summary>
/// Sends through <c>servers.new.smtp</c>, logged in as <see cref="NotificationSender"/> decides (<c>smtp.login</c>,
/// else the sender's own plan account); tries again with a doubling backoff on the engine's sleeper.
/// </summary>
internal sealed class NotificationDelivery(IMailSubmitter submitter, TimeProvider time, NotifyRetry retry, ISleeper? sleeper = null)
{
    // The engine's sleeper when there is one, so a test clock that the engine advances also ends the backoff.
    private readonly ISleeper _sleeper = sleeper ?? new TimeProviderSleeper(time);

    /// <summary>The clock mail is dated with (the engine's).</summary>
    public TimeProvider Time => time;

    /// <summary>Null when sent; otherwise why not, after every attempt (never a secret).</summary>
    public async Task<string?> SendAsync(RunbookPlan plan, ISecretResolver secrets, MimeMessage message, NotificationSender sender, CancellationToken cancellationToken)
    {
        if (!plan.Servers.TryGetValue("new", out var server) || server.Smtp is not { } smtp)
        {
            return "servers.new.smtp is not defined";
        }

        var endpoint = new MailEndpoint(server.Name, smtp) { ConnectTimeout = TimeSpan.FromSeconds(15) };
        var backoff = retry.FirstBackoff;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var login = new MailLogin(sender.Login.User, await secrets.ResolveAsync(sender.Login.Password, cancellationToken));
                await submitter.SubmitAsync(endpoint, login, message, cancellationToken);
                return null;
            }
            catch (RunbookException e) when (!e.Retryable || attempt >= retry.Attempts)
            {
                return $"{Describe(message)}: {e.Message} (attempt {attempt} of {retry.Attempts})";
            }
            catch (RunbookException)
            {
                await _sleeper.SleepUntilAsync(time.GetUtcNow() + backoff, cancellationToken);
                backoff *= 2;
            }
        }
    }

    private static string Describe(MimeMessage message) => $"\"{message.Subject}\" to {string.Join(", ", message.To.Mailboxes.Select(m => m.Address))}";
}
