using Runbook.Adapters.Mail.Raw;
using Runbook.Errors;

namespace Runbook.Adapters.Mail.Imap;

/// <summary>
/// The new server's namespace, folders and their statuses, asked and read on a raw connection: shared by preflight's
/// probe and the destination, so neither needs a MailKit login to list (on Dovecot a login starts a process, and costs
/// more than every question asked on it). A listing the raw reader cannot carry (a name sent as a literal) is null: the
/// caller lists through MailKit then.
/// </summary>
internal static class RawFolderListing
{
    /// <summary>What a status-taking listing asks for each folder, and what STATUS asks for one.</summary>
    public const string StatusItems = "UIDVALIDITY UIDNEXT MESSAGES";

    /// <summary>The first personal namespace; without one (or without NAMESPACE), the root with the separator <c>LIST "" ""</c> names.</summary>
    public static async Task<MailNamespace> NamespaceAsync(RawImapConnection raw, CancellationToken cancellationToken)
    {
        if (raw.Has("NAMESPACE"))
        {
            var (untagged, reply) = await raw.RunAsync("NAMESPACE", cancellationToken);
            if (reply.Status == ImapStatus.Ok && ImapListReply.PersonalNamespace(untagged) is { } personal)
            {
                return personal;
            }
        }

        var (listed, _) = await raw.RunAsync("LIST \"\" \"\"", cancellationToken);
        var root = listed.Select(ImapListReply.Separator).FirstOrDefault(c => c is not null);
        return new MailNamespace("", root is { } separator and not '\0' ? separator : '/');
    }

    /// <summary>
    /// INBOX first, then every folder of the personal namespace, as <see cref="ImapNamespaces.ListAsync"/> lists them;
    /// with <paramref name="withStatus"/> and LIST-STATUS offered, each folder's status as the same reply gave it (a
    /// folder it gave none for has no entry). Null when a line cannot be read here.
    /// </summary>
    public static async Task<(IReadOnlyList<SourceFolder> Folders, Dictionary<string, FolderStatus> Statuses)?> ListAsync(
        RawImapConnection raw, MailNamespace ns, bool withStatus, CancellationToken cancellationToken)
    {
        var returns = new List<string>();
        if (raw.Has("SPECIAL-USE") && raw.Has("LIST-EXTENDED")) returns.Add("SPECIAL-USE");
        if (withStatus && raw.Has("LIST-STATUS")) returns.Add($"STATUS ({StatusItems})");
        var options = returns.Count == 0 ? "" : $" RETURN ({string.Join(' ', returns)})";
        var statuses = new Dictionary<string, FolderStatus>(StringComparer.Ordinal);

        var pattern = ImapSyntax.Quoted(ModifiedUtf7.Encode(ns.Prefix.Length == 0 ? "" : ns.Prefix + ns.Separator) + "*");
        var listed = await ListAsync(raw, pattern, options, statuses, cancellationToken);
        if (listed is null)
        {
            return null;
        }

        var inbox = listed.FirstOrDefault(f => f.FullName == "INBOX");
        if (inbox is null)
        {
            // A Courier-style listing of "INBOX.*" leaves INBOX itself out.
            var asked = await ListAsync(raw, "INBOX", options, statuses, cancellationToken);
            if (asked is null)
            {
                return null;
            }
            inbox = asked.FirstOrDefault(f => f.FullName == "INBOX") ?? new SourceFolder("INBOX", ns.Separator, true, null);
        }

        return ([inbox, .. listed.Where(f => f.FullName != "INBOX").DistinctBy(f => f.FullName, StringComparer.Ordinal)], statuses);
    }

    /// <summary>STATUS of one folder; null when the server refuses it (the caller finds out whether the folder exists).</summary>
    public static async Task<FolderStatus?> StatusAsync(RawImapConnection raw, string name, CancellationToken cancellationToken)
    {
        var (untagged, reply) = await raw.RunAsync($"STATUS {ImapSyntax.Mailbox(name)} ({StatusItems})", cancellationToken);
        if (reply.Status != ImapStatus.Ok)
        {
            return null;
        }

        // One STATUS was asked: its line is read whatever form its name came in.
        return untagged.Select(ImapListReply.Status).FirstOrDefault(s => s is not null)?.Status
            ?? throw new StepFailedException($"{raw.Endpoint}: the server's STATUS reply for {name} could not be read: {string.Join(" | ", untagged)}", retryable: false);
    }

    /// <summary>True when <c>LIST "" name</c> names the folder (a \Noselect parent included, as MailKit finds it).</summary>
    public static Task<bool> ExistsAsync(RawImapConnection raw, string name, CancellationToken cancellationToken) =>
        ExistsAsync(raw, name, selectable: false, cancellationToken);

    /// <summary>As <see cref="ExistsAsync(RawImapConnection, string, CancellationToken)"/>; with <paramref name="selectable"/>, only a folder that can hold messages.</summary>
    public static async Task<bool> ExistsAsync(RawImapConnection raw, string name, bool selectable, CancellationToken cancellationToken)
    {
        var (untagged, reply) = await raw.RunAsync($"LIST \"\" {ImapSyntax.Mailbox(name)}", cancellationToken);
        return reply.Status == ImapStatus.Ok
            && untagged.Any(l => l.StartsWith("* LIST ", StringComparison.OrdinalIgnoreCase)
                && (selectable ? ImapListReply.Folder(l)?.Selectable == true : !l.Contains("\\NonExistent", StringComparison.OrdinalIgnoreCase)));
    }

    private static async Task<List<SourceFolder>?> ListAsync(
        RawImapConnection raw, string pattern, string options, Dictionary<string, FolderStatus> statuses, CancellationToken cancellationToken)
    {
        var (untagged, reply) = await raw.RunAsync($"LIST \"\" {pattern}{options}", cancellationToken);
        if (reply.Status != ImapStatus.Ok)
        {
            throw new StepFailedException($"{raw.Endpoint}: server refused listing folders: {reply.Reason}", retryable: false);
        }

        foreach (var line in untagged)
        {
            // A status whose name cannot be read here is left out: that folder is asked STATUS when needed.
            if (ImapListReply.Status(line) is { Name: { } name, Status: var status })
            {
                statuses[name] = status;
            }
        }

        var folders = untagged.Where(l => l.StartsWith("* LIST ", StringComparison.OrdinalIgnoreCase)).Select(ImapListReply.Folder).ToList();
        return folders.Any(f => f is null) ? null : [.. folders.OfType<SourceFolder>()];
    }
}
