namespace Runbook.Adapters.Mail.Raw;

/// <summary>One way of sending an item: the flags and keywords to send, and what was left out (to report).</summary>
internal sealed record AppendAttempt(AppendItem Item, IReadOnlyList<string> Flags, IReadOnlyList<string> Keywords, IReadOnlyList<string> Dropped)
{
    /// <summary>The item as given, minus keywords no IMAP server could parse (dropped up front and reported).</summary>
    public static AppendAttempt From(AppendItem item)
    {
        // \Recent is session state that APPEND cannot set; other non-system names in Flags are sent as keywords.
        var others = item.Flags.Where(f => !ImapSyntax.IsSystemFlag(f) && !f.Equals("Recent", StringComparison.OrdinalIgnoreCase));
        var keywords = item.Keywords.Concat(others).Distinct(StringComparer.Ordinal).ToList();
        return new AppendAttempt(
            item,
            item.Flags.Where(ImapSyntax.IsSystemFlag).ToList(),
            keywords.Where(ImapSyntax.IsValidKeyword).ToList(),
            keywords.Where(k => !ImapSyntax.IsValidKeyword(k)).ToList());
    }

    /// <summary>Fallbacks after a refusal: without keywords, then without any flag.</summary>
    public IEnumerable<AppendAttempt> Fallbacks()
    {
        if (Keywords.Count > 0)
        {
            yield return this with { Keywords = [], Dropped = [.. Dropped, .. Keywords] };
        }
        if (Flags.Count > 0)
        {
            yield return this with { Keywords = [], Flags = [], Dropped = [.. Dropped, .. Keywords, .. Flags.Select(f => "\\" + f)] };
        }
    }
}
