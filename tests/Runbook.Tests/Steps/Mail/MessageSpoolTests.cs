using Runbook.Steps.Mail;

namespace Runbook.Tests.Steps.Mail;

public sealed class MessageSpoolTests
{
    [Fact]
    public void Given_a_new_spool_Then_only_its_owner_can_enter_it_and_disposing_removes_it()
    {
        var root = Directory.CreateTempSubdirectory("spool-test-").FullName;
        try
        {
            string directory;
            using (new MessageSpool(root))
            {
                directory = Assert.Single(Directory.GetDirectories(root));
                if (!OperatingSystem.IsWindows())
                {
                    Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute,
                        File.GetUnixFileMode(directory));
                }
            }

            Assert.False(Directory.Exists(directory));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
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
