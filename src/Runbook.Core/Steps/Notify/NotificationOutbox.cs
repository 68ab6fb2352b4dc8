using System.Globalization;
using MimeKit;

namespace Runbook.Steps.Notify;

/// <summary>One event mail that could not be sent: its file, the rule and event it is for, when it was kept, its subject and recipients.</summary>
internal sealed record OutboxEntry(string File, string Rule, string Event, DateTimeOffset KeptAt, string Subject, IReadOnlyList<string> To);

/// <summary>
/// Event mail that could not be sent, kept as .eml files in <c>notifications/outbox/</c> beside the state file, exactly
/// as rendered (same Message-Id), so the retry at the next apply sends the same mail and a person can read it meanwhile.
/// The file name carries what the report shows: <c>yyyyMMddTHHmmssZ.RULE.EVENT.ID.eml</c>.
/// </summary>
internal static class NotificationOutbox
{
    private const string Stamp = "yyyyMMdd'T'HHmmss'Z'";

    public static string Folder(string statePath) => Path.Combine(Path.GetDirectoryName(Path.GetFullPath(statePath))!, "notifications", "outbox");

    public static async Task<string> KeepAsync(string statePath, string rule, string @event, DateTimeOffset at, MimeMessage message, CancellationToken cancellationToken)
    {
        var folder = Folder(statePath);
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, $"{at.UtcDateTime.ToString(Stamp, CultureInfo.InvariantCulture)}.{rule}.{@event}.{Guid.NewGuid():N}.eml");
        var temp = path + ".tmp";
        // Written whole, then renamed: a retry never reads half a message.
        await message.WriteToAsync(temp, cancellationToken);
        File.Move(temp, path);
        return path;
    }

    /// <summary>The kept mail, oldest first; none when the folder does not exist.</summary>
    public static IReadOnlyList<OutboxEntry> List(string statePath)
    {
        var folder = Folder(statePath);
        if (!Directory.Exists(folder))
        {
            return [];
        }

        var entries = new List<OutboxEntry>();
        foreach (var file in Directory.GetFiles(folder, "*.eml").Order(StringComparer.Ordinal))
        {
            var parts = Path.GetFileName(file).Split('.');
            if (parts.Length < 5 || !DateTimeOffset.TryParseExact(parts[0], Stamp, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
            {
                continue;
            }

            // A notification is a few kilobytes: loading it whole is the simplest way to its decoded subject.
            var message = MimeMessage.Load(file);
            entries.Add(new OutboxEntry(file, parts[1], parts[2], at, message.Subject ?? "", [.. message.To.Mailboxes.Select(m => m.Address)]));
        }

        return entries;
    }
}
