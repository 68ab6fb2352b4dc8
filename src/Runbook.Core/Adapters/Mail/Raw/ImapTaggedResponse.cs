using System.Globalization;

namespace Runbook.Adapters.Mail.Raw;

internal enum ImapStatus { Ok, No, Bad }

/// <summary>A tagged IMAP reply: status, optional response code with its arguments (e.g. APPENDUID 38505 3955), and text.</summary>
internal sealed record ImapTaggedResponse(ImapStatus Status, string? Code, string? CodeArguments, string Text)
{
    /// <summary>The server's words, for reports: "[TOOBIG] message too large".</summary>
    public string Reason => Code is null ? Text : $"[{Code}{(CodeArguments is null ? "" : " " + CodeArguments)}] {Text}".TrimEnd();

    /// <summary>Parses "tag OK [CODE args] text" for the given tag; null when the line is not that tag's reply.</summary>
    public static ImapTaggedResponse? Parse(string line, string tag)
    {
        if (!line.StartsWith(tag + " ", StringComparison.Ordinal))
        {
            return null;
        }
        var rest = line[(tag.Length + 1)..];
        var space = rest.IndexOf(' ', StringComparison.Ordinal);
        var word = space < 0 ? rest : rest[..space];
        ImapStatus? status = word.ToUpperInvariant() switch
        {
            "OK" => ImapStatus.Ok,
            "NO" => ImapStatus.No,
            "BAD" => ImapStatus.Bad,
            _ => null,
        };
        if (status is null)
        {
            return null;
        }
        var text = space < 0 ? "" : rest[(space + 1)..];
        if (!text.StartsWith('['))
        {
            return new ImapTaggedResponse(status.Value, null, null, text);
        }
        var close = text.IndexOf(']', StringComparison.Ordinal);
        if (close < 0)
        {
            return new ImapTaggedResponse(status.Value, null, null, text);
        }
        var code = text[1..close];
        var codeSpace = code.IndexOf(' ', StringComparison.Ordinal);
        return new ImapTaggedResponse(
            status.Value,
            (codeSpace < 0 ? code : code[..codeSpace]).ToUpperInvariant(),
            codeSpace < 0 ? null : code[(codeSpace + 1)..],
            text[(close + 1)..].Trim());
    }

    /// <summary>The UIDs of an APPENDUID code ("uidvalidity 3955:3957,3960"), in order; empty when absent or malformed.</summary>
    public IReadOnlyList<uint> AppendUids()
    {
        if (Code != "APPENDUID" || CodeArguments is null)
        {
            return [];
        }
        var parts = CodeArguments.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 2)
        {
            return [];
        }
        var uids = new List<uint>();
        foreach (var range in parts[1].Split(','))
        {
            var bounds = range.Split(':');
            if (!uint.TryParse(bounds[0], NumberStyles.None, CultureInfo.InvariantCulture, out var first))
            {
                return [];
            }
            var last = first;
            if (bounds.Length == 2 && !uint.TryParse(bounds[1], NumberStyles.None, CultureInfo.InvariantCulture, out last))
            {
                return [];
            }
            if (Math.Abs((long)last - first) > 100_000)
            {
                return [];
            }
            for (long uid = Math.Min(first, last); uid <= Math.Max(first, last); uid++)
            {
                uids.Add((uint)uid);
            }
        }
        return uids;
    }
}
