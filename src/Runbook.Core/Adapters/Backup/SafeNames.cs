using System.Security.Cryptography;
using System.Text;
using Runbook.Adapters.Mail.Raw;

namespace Runbook.Adapters.Backup;

/// <summary>
/// Turns folder names a server chose into path segments that cannot leave the target: no separators, no NUL or control
/// characters, no "." or "..", never longer than the file system allows. A changed name gets a digest of the real
/// one appended, so two different folders never share a path; the manifest keeps the real name.
/// </summary>
internal static class SafeNames
{
    /// <summary>Well below NAME_MAX (255 bytes) so a suffix, a ".mbox" or a Maildir++ prefix still fits.</summary>
    private const int MaxSegmentBytes = 180;

    /// <summary>The folder's name below the namespace, as segments (<c>INBOX.Sent.2024</c> with prefix INBOX → Sent, 2024).</summary>
    public static IReadOnlyList<string> Segments(string fullName, string prefix, char separator)
    {
        var name = fullName;
        if (prefix.Length > 0 && name.StartsWith(prefix + separator, StringComparison.Ordinal))
        {
            name = name[(prefix.Length + 1)..];
        }

        return separator == '\0' ? [name] : name.Split(separator);
    }

    /// <summary>One safe segment. <paramref name="maildir"/>: also no '.', the Maildir++ separator, and modified UTF-7 as Dovecot stores names.</summary>
    public static string Segment(string raw, bool maildir)
    {
        var builder = new StringBuilder(raw.Length);
        foreach (var c in raw)
        {
            builder.Append(c is '/' or '\\' or '\0' || char.IsControl(c) || (maildir && c == '.') ? '_' : c);
        }

        var safe = builder.ToString();
        if (safe.Length == 0 || safe.StartsWith('.') || safe.Trim('.').Length == 0)
        {
            // Hidden files, "." and "..": never a name the file system treats specially.
            safe = "_" + safe.Replace('.', '_');
        }

        if (maildir)
        {
            safe = ModifiedUtf7.Encode(safe);
        }

        if (Encoding.UTF8.GetByteCount(safe) > MaxSegmentBytes)
        {
            safe = Truncate(safe, MaxSegmentBytes - 10);
        }

        return safe == (maildir ? ModifiedUtf7.Encode(raw) : raw) ? safe : safe + "~" + Digest(raw);
    }

    public static string Digest(string raw) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(raw)))[..8];

    private static string Truncate(string text, int maxBytes)
    {
        var length = text.Length;
        while (Encoding.UTF8.GetByteCount(text.AsSpan(0, length)) > maxBytes || (length > 0 && char.IsHighSurrogate(text[length - 1])))
        {
            length--;
        }

        return text[..length];
    }

    /// <summary>Throws unless <paramref name="path"/> resolves inside <paramref name="root"/>: the last line of defence.</summary>
    public static string Inside(string root, string relative)
    {
        var full = Path.GetFullPath(Path.Combine(root, relative));
        var rootFull = Path.GetFullPath(root).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        return full.StartsWith(rootFull, StringComparison.Ordinal) || full + Path.DirectorySeparatorChar == rootFull
            ? full
            : throw new BackupStoreException($"refusing path '{relative}': it would leave the backup folder {root}");
    }

    /// <summary>An account's folder name in a target: its email, made safe.</summary>
    public static string Account(string email) => Segment(email.ToLowerInvariant(), maildir: false);
}
