using System.Net.Sockets;
using MailKit;
using Runbook.Errors;

namespace Runbook.Steps.Mail;

/// <summary>Which failures a reconnect and a second try can cure.</summary>
internal static class TransientErrors
{
    public static bool IsRetryable(Exception exception) => exception switch
    {
        RunbookException runbook => runbook.Retryable,
        // The connection is gone or out of sync; a command error (NO/BAD) is the server's answer and stays final.
        ServiceNotConnectedException or ProtocolException => true,
        IOException or SocketException or TimeoutException => true,
        _ => false,
    };

    /// <summary>Exponential backoff: base, 2×base, 4×base … capped.</summary>
    public static TimeSpan Backoff(int attempt, TimeSpan first, TimeSpan max)
    {
        var factor = Math.Pow(2, Math.Max(0, attempt - 1));
        var ticks = Math.Min(first.Ticks * factor, max.Ticks);
        return TimeSpan.FromTicks((long)ticks);
    }
}
