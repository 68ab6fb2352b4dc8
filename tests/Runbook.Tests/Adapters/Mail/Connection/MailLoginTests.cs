using Runbook.Adapters.Mail;

namespace Runbook.Tests.Adapters.Mail.Connection;

public sealed class MailLoginTests
{
    [Fact]
    public void Given_a_login_When_formatted_Then_the_password_is_not_shown()
    {
        var login = new MailLogin("alice@old.test", "s3cret-pw");

        Assert.DoesNotContain("s3cret-pw", login.ToString(), StringComparison.Ordinal);
        Assert.Contains("alice@old.test", login.ToString(), StringComparison.Ordinal);
    }
}
