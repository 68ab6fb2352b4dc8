using System.Globalization;
using System.Text.RegularExpressions;
using Runbook.Adapters.Mail.Raw;
using Runbook.Errors;

namespace Runbook.Adapters.Mail.Imap;

/// <summary>
/// A destination folder's UIDVALIDITY and UIDs on a raw connection: EXAMINE (read-only: nothing changes, not even
/// \Recent), then <c>UID SEARCH ALL</c> unless the folder is empty; what MailKit's <see cref="ImapSourceMapping.IndexAsync"/> gives.
/// </summary>
internal static partial class RawFolderIndex
{
    public static async Task<FolderIndex?> IndexAsync(RawImapConnection raw, string name, CancellationToken cancellationToken)
    {
        var (untagged, examined) = await raw.RunAsync($"EXAMINE {ImapSyntax.Mailbox(name)}", cancellationToken);
        if (examined.Status != ImapStatus.Ok)
        {
            return await RawFolderListing.ExistsAsync(raw, name, cancellationToken)
                ? throw new StepFailedException($"{raw.Endpoint}: EXAMINE {name} refused: {examined.Reason}", retryable: false)
                : null;
        }

        var validity = Number(untagged, UidValidity()) ?? throw new StepFailedException($"{raw.Endpoint}: EXAMINE {name} named no UIDVALIDITY", retryable: false);
        var exists = Number(untagged, Exists()) ?? 0;
        var opened = Number(untagged, UidNext()) is { } next
            ? new FolderStatus((uint)validity, (uint)next, (int)exists, Number(untagged, HighestModSeq()))
            : null;
        if (exists == 0)
        {
            return new FolderIndex((uint)validity, []) { Opened = opened };
        }

        var (found, searched) = await raw.RunAsync("UID SEARCH ALL", cancellationToken);
        if (searched.Status != ImapStatus.Ok)
        {
            throw new StepFailedException($"{raw.Endpoint}: UID SEARCH ALL in {name} refused: {searched.Reason}", retryable: false);
        }

        var uids = found.Where(l => l.StartsWith("* SEARCH", StringComparison.OrdinalIgnoreCase))
            .SelectMany(l => l["* SEARCH".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(u => uint.Parse(u, NumberStyles.None, CultureInfo.InvariantCulture))
            .Distinct().Order();
        return new FolderIndex((uint)validity, [.. uids.Select(u => new MessageRef(u.ToString(CultureInfo.InvariantCulture), u))]) { Opened = opened };
    }

    private static ulong? Number(IEnumerable<string> lines, Regex pattern) =>
        lines.Select(l => pattern.Match(l)).FirstOrDefault(m => m.Success) is { } m
            ? ulong.Parse(m.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture)
            : null;

    [GeneratedRegex(@"^\* OK \[UIDVALIDITY (\d+)\]", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex UidValidity();

    [GeneratedRegex(@"^\* OK \[UIDNEXT (\d+)\]", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex UidNext();

    [GeneratedRegex(@"^\* OK \[HIGHESTMODSEQ (\d+)\]", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex HighestModSeq();

    [GeneratedRegex(@"^\* (\d+) EXISTS", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Exists();
}
