using Runbook.Adapters.Mail;
using Runbook.Adapters.Mail.Imap;
using Runbook.Adapters.Mail.Pop3;
using Runbook.Adapters.Mail.Raw;
using Runbook.Errors;
using Runbook.Plan.Model;

using Runbook.Tests.Lab;

namespace Runbook.Tests.Adapters.Mail;

[Collection("lab")]
[Trait("Category", "Lab")]
public sealed class ConnectionLabTests(LabFixture fixture)
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly MailLab _lab = new(fixture.Lab);

    [Fact]
    public async Task Given_a_wrong_password_When_each_adapter_logs_in_Then_authentication_failed_naming_account_not_password()
    {
        var login = _lab.NewLogin() with { Password = "wrong-" + Guid.NewGuid().ToString("N") };

        var errors = new RunbookException[]
        {
            await Assert.ThrowsAsync<AuthenticationFailedException>(() => ImapMailSource.ConnectAsync(_lab.Old("imap"), login, None)),
            await Assert.ThrowsAsync<AuthenticationFailedException>(() => Pop3MailSource.ConnectAsync(_lab.Old("pop3"), login, None)),
            await Assert.ThrowsAsync<AuthenticationFailedException>(() => RawImapConnection.OpenAsync(_lab.New("imap"), login, None)),
        };

        Assert.All(errors, e =>
        {
            Assert.Equal(ExitCode.AuthenticationFailed, e.ExitCode);
            Assert.Contains(login.User, e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(login.Password, e.ToString(), StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task Given_implicit_tls_without_the_lab_ca_When_connecting_Then_unreachable_with_advice()
    {
        var untrusted = _lab.Old("imaps", TransportSecurity.Tls, new TlsOptions());

        var mailKit = await Assert.ThrowsAsync<ServerUnreachableException>(() => ImapMailSource.ConnectAsync(untrusted, _lab.NewLogin(), None));
        var raw = await Assert.ThrowsAsync<ServerUnreachableException>(() => RawImapConnection.OpenAsync(_lab.New("imaps", TransportSecurity.Tls, new TlsOptions()), _lab.NewLogin(), None));

        Assert.Contains("certificate not trusted", mailKit.Message, StringComparison.Ordinal);
        Assert.Contains("tls.ca_file", mailKit.Message, StringComparison.Ordinal);
        Assert.Contains("tls.ca_file", raw.Message, StringComparison.Ordinal);
        Assert.Equal(ExitCode.Unreachable, mailKit.ExitCode);
    }

    [Fact]
    public async Task Given_the_lab_ca_When_connecting_with_tls_and_starttls_Then_every_adapter_logs_in()
    {
        var login = _lab.NewLogin();
        // The old lab server allows one POP3 session per mailbox (pop3_lock_session): the second one needs its own.
        var secondPop3 = _lab.NewLogin();

        await using (var tls = await ImapMailSource.ConnectAsync(_lab.Old("imaps", TransportSecurity.Tls), login, None))
        await using (var startTls = await ImapMailSource.ConnectAsync(_lab.Old("imap", TransportSecurity.StartTls), login, None))
        await using (var pop3s = await Pop3MailSource.ConnectAsync(_lab.Old("pop3s", TransportSecurity.Tls), login, None))
        await using (var pop3StartTls = await Pop3MailSource.ConnectAsync(_lab.Old("pop3", TransportSecurity.StartTls), secondPop3, None))
        await using (var raw = await RawImapConnection.OpenAsync(_lab.New("imaps", TransportSecurity.Tls), login, None))
        await using (var rawStartTls = await RawImapConnection.OpenAsync(_lab.New("imap", TransportSecurity.StartTls), login, None))
        {
            Assert.NotEmpty(await tls.ListFoldersAsync(None));
            Assert.NotEmpty(await startTls.ListFoldersAsync(None));
            Assert.Equal(0, (await pop3s.GetStatusAsync("INBOX", None)).Count);
            Assert.Equal(0, (await pop3StartTls.GetStatusAsync("INBOX", None)).Count);
            Assert.True(raw.Has("MULTIAPPEND"));
            Assert.True(rawStartTls.Has("UIDPLUS"));
        }
    }

    [Fact]
    public async Task Given_verify_off_in_the_plan_When_the_certificate_is_untrusted_Then_it_connects()
    {
        var insecure = new TlsOptions { Verify = false, InsecureReason = "lab test" };

        await using var source = await ImapMailSource.ConnectAsync(_lab.Old("imaps", TransportSecurity.Tls, insecure), _lab.NewLogin(), None);

        Assert.NotEmpty(await source.ListFoldersAsync(None));
    }

    [Fact]
    public async Task Given_implicit_tls_configured_on_a_plain_port_When_connecting_Then_unreachable_pointing_at_security()
    {
        var mismatch = _lab.Old("imap", TransportSecurity.Tls);

        var error = await Assert.ThrowsAsync<ServerUnreachableException>(() => ImapMailSource.ConnectAsync(mismatch, _lab.NewLogin(), None));

        Assert.Contains("old (127.0.0.1:", error.Message, StringComparison.Ordinal);
    }
}
