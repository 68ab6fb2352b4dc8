using System.Security.Cryptography;
using System.Text;
using Runbook.Adapters.Backup;
using Runbook.Adapters.Mail;
using Runbook.Plan.Model;

namespace Runbook.Tests.Adapters.Backup;

/// <summary>The three formats on a temp folder: names a hostile server may send stay inside, bytes come back exactly.</summary>
public sealed class BackupFormatTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "runbook-backup-tests", Guid.NewGuid().ToString("N"));

    public static TheoryData<BackupFormat> Formats => [BackupFormat.Maildir, BackupFormat.Mbox, BackupFormat.Eml];

    private static readonly string[] Hostile =
    [
        "INBOX.../../x", "INBOX./etc/passwd", "INBOX..", "INBOX.a\0b", "INBOX.bell\u0007\u001b[31m", "INBOX." + new string('L', 300),
        "INBOX." + string.Concat(Enumerable.Repeat("日本語", 100)), "INBOX.&AC4ALg-", "INBOX.Caf&AOk-", "INBOX.a\\b", "INBOX.-",
    ];

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task Given_hostile_folder_names_When_written_Then_every_file_stays_inside_and_the_manifest_keeps_the_real_name(BackupFormat kind)
    {
        var format = IBackupFormat.For(kind);
        var accountRoot = Path.Combine(_root, "acct");
        var manifest = new BackupManifest { Account = "a@b.test", Server = "old", Protocol = "imap", Format = format.Name, NamespacePrefix = "INBOX", Separator = '.' };
        uint uid = 1;
        foreach (var name in Hostile)
        {
            var folder = BackupTargetStore.Folder(manifest, format, new SourceFolder(name, '.', true, null));
            var content = Encoding.UTF8.GetBytes($"Subject: {name.Replace('\0', ' ')}\r\n\r\nbody\r\n");
            var entry = Entry(uid++, content);
            await format.WriteAsync(accountRoot, folder, [new BackupItem(entry, () => new MemoryStream(content))], CancellationToken.None);
            await format.CommitAsync(accountRoot, folder, CancellationToken.None);
            folder.Messages.Add(entry);
            Assert.Equal(name, folder.Name);
            Assert.Equal(content, await ReadBackAsync(format, accountRoot, folder, entry));
        }

        var full = Path.GetFullPath(accountRoot) + Path.DirectorySeparatorChar;
        var files = Directory.EnumerateFileSystemEntries(_root, "*", SearchOption.AllDirectories).ToList();
        Assert.All(files, f => Assert.StartsWith(full, Path.GetFullPath(f) + Path.DirectorySeparatorChar, StringComparison.Ordinal));
        Assert.All(files, f => Assert.True(Encoding.UTF8.GetByteCount(Path.GetFileName(f)) <= 255, f));
        Assert.All(files, f => Assert.DoesNotContain(Path.GetFileName(f), c => c < 0x20));
        Assert.Equal(Hostile.Length, manifest.Folders.Select(f => f.Path).Distinct().Count());
        Assert.Equal(Hostile.Length, format.MessageFiles(accountRoot).Count());
    }

    [Fact]
    public async Task Given_messages_with_From_lines_and_no_final_newline_When_written_as_mboxrd_Then_each_comes_back_byte_for_byte()
    {
        var format = new MboxFormat();
        var accountRoot = Path.Combine(_root, "mbox");
        var manifest = new BackupManifest { Account = "a@b.test", Server = "old", Protocol = "imap", Format = "mbox" };
        var folder = BackupTargetStore.Folder(manifest, format, new SourceFolder("INBOX", '/', true, null));
        var big = new StringBuilder("Subject: big\n\n");
        for (var i = 0; i < 40_000; i++)
        {
            big.Append(i % 7 == 0 ? ">>From the start\r\n" : i % 5 == 0 ? "From here\n" : "line of text\r\n");
        }

        byte[][] messages =
        [
            "From: a\r\n\r\nFrom me to you\r\n>From quoted\r\n>>From twice\r\nFrom"u8.ToArray(),
            "Subject: no newline at the end"u8.ToArray(),
            "From \r\nFrom\r\n>From \n"u8.ToArray(),
            Encoding.UTF8.GetBytes(big.ToString()),
            [],
        ];
        var entries = messages.Select((m, i) => Entry((uint)i + 1, m)).ToList();
        await format.WriteAsync(accountRoot, folder, [.. entries.Select((e, i) => new BackupItem(e, () => new MemoryStream(messages[i])))], CancellationToken.None);
        await format.CommitAsync(accountRoot, folder, CancellationToken.None);
        folder.Messages.AddRange(entries);
        // A second run appends after what the manifest vouches for.
        var later = Entry(99, "From: later\r\n\r\nFrom x\r\n"u8.ToArray());
        await format.WriteAsync(accountRoot, folder, [new BackupItem(later, () => new MemoryStream("From: later\r\n\r\nFrom x\r\n"u8.ToArray()))], CancellationToken.None);
        await format.CommitAsync(accountRoot, folder, CancellationToken.None);
        folder.Messages.Add(later);

        for (var i = 0; i < messages.Length; i++)
        {
            Assert.Equal(messages[i], await ReadBackAsync(format, accountRoot, folder, entries[i]));
        }

        Assert.Equal("From: later\r\n\r\nFrom x\r\n"u8.ToArray(), await ReadBackAsync(format, accountRoot, folder, later));
        var text = await File.ReadAllTextAsync(Path.Combine(accountRoot, folder.Path));
        Assert.Contains("\n>From me to you\r\n>>From quoted\r\n>>>From twice\r\n", text, StringComparison.Ordinal);
    }

    private static ManifestMessage Entry(uint uid, byte[] content) => new()
    {
        UidValidity = 7, Uid = uid, SourceId = uid.ToString(System.Globalization.CultureInfo.InvariantCulture), Size = content.Length,
        Sha256 = Convert.ToHexStringLower(SHA256.HashData(content)), HeaderDigest = "d", File = "",
        Flags = ["Seen"], Keywords = ["$Label1"], InternalDate = new DateTimeOffset(2020, 1, 2, 3, 4, 5, TimeSpan.Zero),
    };

    private static async Task<byte[]> ReadBackAsync(IBackupFormat format, string root, ManifestFolder folder, ManifestMessage entry)
    {
        using var buffer = new MemoryStream();
        await format.CopyOutAsync(root, folder, entry, buffer, CancellationToken.None);
        return buffer.ToArray();
    }

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }
}
