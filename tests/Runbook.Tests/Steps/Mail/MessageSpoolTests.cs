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
}
