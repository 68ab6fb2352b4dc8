using MailKit;
using Runbook.Errors;

namespace Runbook.Adapters.Mail.Connection;

/// <summary>Runs one server operation and turns a lost connection into a retryable failure that names the server.</summary>
internal static class MailOperation
{
    public static async Task<T> RunAsync<T>(MailEndpoint endpoint, string what, Func<Task<T>> operation)
    {
        try
        {
            return await operation();
        }
        catch (Exception e) when (MailConnectionErrors.IsConnectionLoss(e))
        {
            throw new StepFailedException($"{endpoint}: connection lost while {what}", retryable: true, e);
        }
        catch (MessageNotFoundException e)
        {
            // Deleted on the source while we worked: a fresh listing will no longer include it.
            throw new StepFailedException($"{endpoint}: message gone while {what} ({e.Message}): list the folder again", retryable: true, e);
        }
        catch (CommandException e) when (Throttled(e))
        {
            throw new StepFailedException($"{endpoint}: server is busy while {what} ({e.Message}): back off and retry", retryable: true, e);
        }
        catch (CommandException e)
        {
            // The server said NO/BAD: the connection is fine, retrying the same command will not help.
            throw new StepFailedException($"{endpoint}: server refused {what}: {e.Message}", retryable: false, e);
        }
    }

    /// <summary>RFC 5530 codes that mean "not now" rather than "never".</summary>
    private static bool Throttled(CommandException e)
    {
        var text = e is MailKit.Net.Imap.ImapCommandException imap ? imap.ResponseText + " " + e.Message : e.Message;
        return text.Contains("[UNAVAILABLE]", StringComparison.OrdinalIgnoreCase) || text.Contains("[INUSE]", StringComparison.OrdinalIgnoreCase);
    }

    public static Task RunAsync(MailEndpoint endpoint, string what, Func<Task> operation) =>
        RunAsync(endpoint, what, async () =>
        {
            await operation();
            return true;
        });
}
