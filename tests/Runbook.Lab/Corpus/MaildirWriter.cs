using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Runbook.Lab.Corpus;

/// <summary>
/// Stores messages straight into the old Dovecot's Maildir++ folders: exact bytes (APPEND through MailKit would
/// re-serialise them), INTERNALDATE as the file's mtime, flags and keywords in the file name (":2,FSab").
/// </summary>
internal sealed class MaildirWriter
{
    // Shared by all writers in the process, so file names stay unique when a folder is written to twice.
    private static int sequence;

    private static readonly Dictionary<string, char> FlagLetters = new(StringComparer.Ordinal)
    {
        ["Draft"] = 'D', ["Flagged"] = 'F', ["Answered"] = 'R', ["Seen"] = 'S', ["Deleted"] = 'T',
    };

    private readonly string folderDirectory;
    // Dovecot maps keyword letters a..z to names through the folder's dovecot-keywords file.
    private readonly List<string> keywords = [];

    public MaildirWriter(string folderDirectory)
    {
        this.folderDirectory = folderDirectory;
        var existing = Path.Combine(folderDirectory, "dovecot-keywords");
        if (File.Exists(existing))
        {
            // "N name" lines; keep their letters, since files already on disk use them.
            keywords.AddRange(File.ReadAllLines(existing).Where(l => l.Contains(' ', StringComparison.Ordinal)).Select(l => l[(l.IndexOf(' ', StringComparison.Ordinal) + 1)..]));
        }
    }

    public void Write(CorpusMessage message)
    {
        var flags = new string([.. message.Flags.Select(f => FlagLetters[f]).Order()]);
        var letters = new string([.. message.Keywords.Select(KeywordLetter).Order()]);
        // Dovecot gives new files UIDs in file-name order; the zero-padded sequence keeps the corpus order.
        var name = string.Create(CultureInfo.InvariantCulture,
            $"{message.InternalDate.ToUnixTimeSeconds()}.M{Interlocked.Increment(ref sequence):D6}P{Environment.ProcessId}.runbook-lab:2,{flags}{letters}");
        var path = Path.Combine(folderDirectory, "cur", name);
        File.WriteAllBytes(path, message.Bytes);
        File.SetLastWriteTimeUtc(path, message.InternalDate.UtcDateTime);
    }

    /// <summary>Writes dovecot-keywords; call once after the folder's last message.</summary>
    public void Finish()
    {
        if (keywords.Count == 0)
        {
            return;
        }
        var lines = keywords.Select((k, i) => string.Create(CultureInfo.InvariantCulture, $"{i} {k}\n"));
        File.WriteAllText(Path.Combine(folderDirectory, "dovecot-keywords"), string.Concat(lines), Encoding.ASCII);
    }

    private char KeywordLetter(string keyword)
    {
        var index = keywords.IndexOf(keyword);
        if (index < 0)
        {
            if (keywords.Count == 26)
            {
                throw new InvalidOperationException("Maildir allows 26 keywords per folder");
            }
            keywords.Add(keyword);
            index = keywords.Count - 1;
        }
        return (char)('a' + index);
    }

    /// <summary>The files were written by this (root) process; hand them to the mail user Dovecot runs as.</summary>
    public static async Task ChownToMailUserAsync(string maildir, CancellationToken cancellationToken)
    {
        if (Environment.UserName != "root")
        {
            return;
        }
        using var chown = Process.Start("chown", ["-R", "mail:mail", maildir]);
        await chown.WaitForExitAsync(cancellationToken);
        if (chown.ExitCode != 0)
        {
            throw new InvalidOperationException($"chown -R mail:mail {maildir} failed ({chown.ExitCode})");
        }
    }
}
