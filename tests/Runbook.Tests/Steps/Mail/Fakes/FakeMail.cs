using System.Security.Cryptography;
using System.Text;
using Runbook.Adapters.Mail;

namespace Runbook.Tests.Steps.Mail.Fakes;

/// <summary>A message as a fake server stores it.</summary>
internal sealed record FakeMessage
{
    public required uint Uid { get; init; }
    public required byte[] Bytes { get; init; }
    public string? MessageId { get; init; }
    public IReadOnlyList<string> Flags { get; init; } = [];
    public IReadOnlyList<string> Keywords { get; init; } = [];
    public DateTimeOffset? InternalDate { get; init; }
    public string? Uidl { get; init; }
    /// <summary>CONDSTORE's mod-sequence: raised when the message arrives or its flags change.</summary>
    public ulong ModSeq { get; init; }

    /// <summary>Stands in for the stable-header digest: the first line plays the headers, so bodies may differ.</summary>
    public string Digest => Hex(Encoding.UTF8.GetString(Bytes).Split('\n')[0] + "|" + Bytes.Length);

    public static string Hex(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}

/// <summary>A folder of a fake server.</summary>
internal sealed class FakeFolder(string name, char separator, string? specialUse = null)
{
    public string Name { get; } = name;
    public char Separator { get; } = separator;
    public string? SpecialUse { get; } = specialUse;
    public uint UidValidity { get; set; } = 1;
    public uint NextUid { get; set; } = 1;
    public ulong HighestModSeq { get; set; } = 1;
    public List<FakeMessage> Messages { get; } = [];

    /// <summary>What a mail client does to a message already there: new flags and keywords, a new mod-sequence.</summary>
    public void SetFlags(uint uid, IReadOnlyList<string> flags, IReadOnlyList<string>? keywords = null)
    {
        var at = Messages.FindIndex(m => m.Uid == uid);
        Messages[at] = Messages[at] with { Flags = flags, Keywords = keywords ?? Messages[at].Keywords, ModSeq = ++HighestModSeq };
    }

    public FakeMessage Add(string text, string? messageId = null, IReadOnlyList<string>? flags = null,
        IReadOnlyList<string>? keywords = null, DateTimeOffset? date = null, string? uidl = null) =>
        AddBytes(Encoding.UTF8.GetBytes(text), messageId, flags, keywords, date, uidl);

    public FakeMessage AddBytes(byte[] bytes, string? messageId = null, IReadOnlyList<string>? flags = null,
        IReadOnlyList<string>? keywords = null, DateTimeOffset? date = null, string? uidl = null)
    {
        var message = new FakeMessage
        {
            Uid = NextUid++,
            Bytes = bytes,
            MessageId = messageId,
            Flags = flags ?? [],
            Keywords = keywords ?? [],
            InternalDate = date ?? new DateTimeOffset(2020, 1, 2, 3, 4, 5, TimeSpan.Zero),
            Uidl = uidl,
            ModSeq = ++HighestModSeq,
        };
        Messages.Add(message);
        return message;
    }

    /// <summary>What a server does after a restore or rebuild: same messages, new UIDs, new UIDVALIDITY.</summary>
    public void Renumber()
    {
        UidValidity++;
        var old = Messages.ToList();
        Messages.Clear();
        NextUid = 1;
        foreach (var m in old)
        {
            Messages.Add(m with { Uid = NextUid++ });
        }
    }
}

/// <summary>A fake server: folders by name, plus a namespace.</summary>
internal sealed class FakeServer(string prefix, char separator)
{
    public MailNamespace Namespace { get; } = new(prefix, separator);
    public Dictionary<string, FakeFolder> Folders { get; } = new(StringComparer.Ordinal);
    public int Writes { get; set; }

    /// <summary>Whether STATUS reports HIGHESTMODSEQ (CONDSTORE); without it every pass scans in full.</summary>
    public bool CondStore { get; set; } = true;

    /// <summary>Runs once when a folder is next listed: mail that arrives between a pass's STATUS and its listing.</summary>
    public Action<FakeFolder>? OnNextListing { get; set; }

    /// <summary>Folders whose listing never answers (a stuck server), to prove the per-folder timeout.</summary>
    public HashSet<string> Hanging { get; } = [];

    public FakeFolder Folder(string name, string? specialUse = null)
    {
        if (!Folders.TryGetValue(name, out var folder))
        {
            Folders[name] = folder = new FakeFolder(name, Namespace.Separator, specialUse);
        }

        return folder;
    }

    public IReadOnlyList<SourceFolder> List() =>
        [.. Folders.Values.Select(f => new SourceFolder(f.Name, f.Separator, true, f.SpecialUse))];

    public static SourceMessage ToSource(FakeMessage m, bool pop3) => new()
    {
        SourceId = pop3 ? m.Uidl ?? m.Digest : m.Uid.ToString(System.Globalization.CultureInfo.InvariantCulture),
        Uid = pop3 ? 0 : m.Uid,
        Size = m.Bytes.Length,
        Flags = m.Flags,
        Keywords = m.Keywords,
        InternalDate = m.InternalDate,
        MessageId = m.MessageId,
        HeaderDigest = m.Digest,
    };
}
