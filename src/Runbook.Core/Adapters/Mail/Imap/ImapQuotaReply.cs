using System.Globalization;
using Runbook.Adapters.Mail.Raw;

namespace Runbook.Adapters.Mail.Imap;

/// <summary>
/// Reads the untagged replies to <c>GETQUOTAROOT INBOX</c> (RFC 9208). Runbook reads them itself because MailKit
/// 4.18 throws ImapProtocolException and drops the connection on an empty resource list, <c>* QUOTA INBOX ()</c>,
/// which RFC 9208 allows and Cyrus sends for "no limit". Never throws: a reply it cannot read is an unknown quota.
/// </summary>
internal static class ImapQuotaReply
{
    public static MailQuota Parse(IReadOnlyList<string> untagged)
    {
        var resources = new List<QuotaResource>();
        foreach (var line in untagged.Where(l => l.StartsWith("* QUOTA ", StringComparison.OrdinalIgnoreCase)))
        {
            if (Resources(line) is not { } parsed)
            {
                return MailQuota.Unknown($"the server's quota reply could not be read: {Shorten(line)}");
            }
            resources.AddRange(parsed);
        }

        // Several quota roots may hold INBOX: the tightest of each resource counts.
        var tightest = resources.GroupBy(r => r.Name, StringComparer.OrdinalIgnoreCase)
            .Select(g => g.MinBy(r => r.Limit - r.Usage)!).ToList();
        var storage = tightest.FirstOrDefault(r => r.Name.Equals("STORAGE", StringComparison.OrdinalIgnoreCase));
        var messages = tightest.FirstOrDefault(r => r.Name.Equals("MESSAGE", StringComparison.OrdinalIgnoreCase));
        // IMAP counts STORAGE in units of 1024 octets (RFC 9208).
        return new MailQuota(storage?.Limit * 1024L, (storage?.Usage ?? 0) * 1024L, messages?.Limit, messages?.Usage)
        {
            Others = [.. tightest.Where(r => r != storage && r != messages)],
        };
    }

    /// <summary>"* QUOTA root (NAME usage limit ...)": the triples, or null when the line does not have that shape.</summary>
    private static List<QuotaResource>? Resources(string line)
    {
        var tokens = ImapReplyTokens.Of(line, "QUOTA");
        if (tokens is null || tokens.Count < 3 || tokens[0].Kind is not (ImapTokenKind.Atom or ImapTokenKind.Quoted)
            || tokens[1].Kind != ImapTokenKind.Open || tokens[^1].Kind != ImapTokenKind.Close || (tokens.Count - 3) % 3 != 0)
        {
            return null;
        }

        var result = new List<QuotaResource>();
        for (var i = 2; i < tokens.Count - 1; i += 3)
        {
            if (tokens[i].Kind != ImapTokenKind.Atom || Number(tokens[i + 1]) is not { } usage || Number(tokens[i + 2]) is not { } limit)
            {
                return null;
            }
            result.Add(new QuotaResource(tokens[i].Text.ToUpperInvariant(), usage, limit));
        }
        return result;
    }

    private static long? Number(ImapToken token) =>
        token.Kind == ImapTokenKind.Atom && long.TryParse(token.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;

    private static string Shorten(string line) => line.Length <= 120 ? line : line[..117] + "...";
}
