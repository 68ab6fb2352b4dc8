using Runbook.Adapters.Mail;
using Runbook.Steps.Mail;
using Runbook.Tests.Support;
using Runbook.Tests.Steps.Mail.Fakes;

namespace Runbook.Tests.Steps.Mail;

public sealed class MessageSpoolTests
{
    [Fact]
    public async Task Given_small_messages_When_spooled_Then_they_stay_in_memory_no_directory_is_made_and_their_bytes_are_exact()
    {
        using var temp = new TempDir();
        var root = temp.Path;
        var (source, messages, bytes) = Source((3, 1_000));
        using var spool = new MessageSpool(root);

        var items = await spool.SpoolAsync(source, "INBOX", messages, CancellationToken.None);

        Assert.Null(spool.Directory);
        Assert.Empty(Directory.GetFileSystemEntries(root));
        Assert.Equal(messages.Select(m => m.Size), items.Select(i => i.Size));
        Assert.Equal(bytes, items.Select(Read));
        Assert.Equal(Read(items[1]), spool.BytesOf(items[1]));
    }

    [Fact]
    public async Task Given_a_large_message_and_more_than_the_memory_budget_When_spooled_Then_those_go_to_files_only_the_owner_can_read_until_the_slots_are_deleted()
    {
        using var temp = new TempDir();
        var root = temp.Path;
        // One over the per-message limit, then small ones past the budget: 4 × 250 kB fit in 1 MiB, the fifth does not.
        var (source, messages, bytes) = Source((1, MessageSpool.MemoryMessageLimit + 1), (5, 250_000));
        string directory;
        using (var spool = new MessageSpool(root))
        {
            var items = await spool.SpoolAsync(source, "INBOX", messages, CancellationToken.None);

            directory = Assert.IsType<string>(spool.Directory);
            Assert.Equal(2, Directory.GetFiles(directory).Length);
            Assert.Equal(bytes, items.Select(Read));
            Assert.Equal(Read(items[0]), spool.BytesOf(items[0]));
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(directory));
            }
        }

        // The directory waits for the next batch (which overwrites its files) and goes with the idle slots.
        Assert.True(Directory.Exists(directory));
        SpoolSlots.DeleteIdle(root);
        Assert.False(Directory.Exists(directory));
    }

    [Fact]
    public async Task Given_a_disposed_spool_When_the_next_batch_needs_files_Then_it_reuses_that_directory_and_its_bytes_are_its_own()
    {
        using var temp = new TempDir();
        var root = temp.Path;
        var (source, messages, _) = Source((2, MessageSpool.MemoryMessageLimit + 10));
        var (shorter, shorterMessages, shorterBytes) = Source((1, MessageSpool.MemoryMessageLimit + 1));
        string first;
        using (var spool = new MessageSpool(root))
        {
            await spool.SpoolAsync(source, "INBOX", messages, CancellationToken.None);
            first = spool.Directory!;
        }

        using (var spool = new MessageSpool(root))
        {
            var items = await spool.SpoolAsync(shorter, "INBOX", shorterMessages, CancellationToken.None);

            Assert.Equal(first, spool.Directory);
            Assert.Equal(shorterBytes, items.Select(Read));
            Assert.Equal(shorterBytes[0].Length, items[0].Size);
        }

        SpoolSlots.DeleteIdle(root);
    }

    private static (FakeMailSource Source, IReadOnlyList<SourceMessage> Messages, IReadOnlyList<byte[]> Bytes) Source(params (int Count, int Size)[] groups)
    {
        var server = new FakeServer("", '/');
        var n = 0;
        foreach (var (count, size) in groups)
        {
            for (var i = 0; i < count; i++, n++)
            {
                var head = $"Message-ID: <m{n}@spool.test>\r\nSubject: {n}\r\n\r\n";
                server.Folder("INBOX").AddBytes([.. System.Text.Encoding.ASCII.GetBytes(head), .. Enumerable.Repeat((byte)('a' + n % 26), size - head.Length)]);
            }
        }

        var stored = server.Folders["INBOX"].Messages;
        return (new FakeMailSource(server), [.. stored.Select(m => FakeServer.ToSource(m, pop3: false))], [.. stored.Select(m => m.Bytes)]);
    }

    private static byte[] Read(AppendItem item)
    {
        using var content = item.OpenContent();
        using var buffer = new MemoryStream();
        content.CopyTo(buffer);
        return buffer.ToArray();
    }

    [Fact]
    public void Given_spools_of_a_dead_and_a_live_process_When_swept_Then_only_the_dead_one_is_removed()
    {
        var root = Directory.CreateTempSubdirectory("spool-sweep-").FullName;
        try
        {
            // No process can have a PID above Linux's pid_max (4,194,304); ours is alive.
            var dead = Directory.CreateDirectory(Path.Combine(root, $"{SpoolSweeper.Prefix}99999999-abc")).FullName;
            var live = Directory.CreateDirectory(Path.Combine(root, SpoolSweeper.NewName())).FullName;
            var unrelated = Directory.CreateDirectory(Path.Combine(root, $"{SpoolSweeper.Prefix}no-pid")).FullName;
            File.WriteAllText(Path.Combine(dead, "0"), "a copy of someone's mail");

            var removed = SpoolSweeper.Sweep(root);

            Assert.Equal(1, removed);
            Assert.False(Directory.Exists(dead));
            Assert.True(Directory.Exists(live));
            Assert.True(Directory.Exists(unrelated));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
