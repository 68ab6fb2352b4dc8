using System.Net;
using System.Net.Sockets;
using Runbook.Adapters.Mail;
using Runbook.Adapters.Mail.Imap;
using Runbook.Adapters.Mail.Raw;
using Runbook.Errors;
using Runbook.Plan.Model;
using Runbook.Tests.Support;

namespace Runbook.Tests.Adapters.Mail.Connection;

public sealed class ConnectionErrorTests
{
    [Fact]
    public async Task Given_a_closed_port_When_the_imap_source_connects_Then_unreachable_naming_server_and_port()
    {
        var port = ClosedPort();
        var endpoint = new MailEndpoint("old", new Endpoint { Host = "127.0.0.1", Port = port, Security = TransportSecurity.None });

        var error = await Assert.ThrowsAsync<ServerUnreachableException>(() => ImapMailSource.ConnectAsync(endpoint, new MailLogin("a", "pw"), CancellationToken.None));

        Assert.Equal(ExitCode.Unreachable, error.ExitCode);
        Assert.Contains("old (127.0.0.1:" + port + ")", error.Message, StringComparison.Ordinal);
        Assert.Contains("connection refused", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_a_closed_port_When_the_raw_appender_connects_Then_unreachable()
    {
        var endpoint = new MailEndpoint("new", new Endpoint { Host = "127.0.0.1", Port = ClosedPort(), Security = TransportSecurity.Tls });

        await Assert.ThrowsAsync<ServerUnreachableException>(() => RawImapConnection.OpenAsync(endpoint, new MailLogin("a", "pw"), CancellationToken.None));
    }

    [Fact]
    public async Task Given_a_refused_login_When_the_raw_connection_logs_in_Then_authentication_failed_without_the_password()
    {
        await using var server = new ScriptedImapServer("IMAP4rev1 AUTH=PLAIN SASL-IR", _ => []) { RefuseLogin = true };
        var endpoint = server.Endpoint("new");

        var error = await Assert.ThrowsAsync<AuthenticationFailedException>(
            () => RawImapConnection.OpenAsync(endpoint, new MailLogin("bob@new.test", "hunter2-secret"), CancellationToken.None));

        Assert.Equal(ExitCode.AuthenticationFailed, error.ExitCode);
        Assert.Contains("bob@new.test", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2-secret", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_starttls_required_When_the_server_does_not_offer_it_Then_unreachable_never_plain()
    {
        await using var server = new ScriptedImapServer("IMAP4rev1 AUTH=PLAIN", _ => ["TAG OK"]);
        var endpoint = server.Endpoint("new", TransportSecurity.StartTls);

        var error = await Assert.ThrowsAsync<ServerUnreachableException>(() => RawImapConnection.OpenAsync(endpoint, new MailLogin("a", "pw"), CancellationToken.None));

        Assert.Contains("STARTTLS", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(server.Received, c => c.Verb is "AUTHENTICATE" or "LOGIN");
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
