using MailKit.Net.Imap;
using MailKit.Security;
using Runbook.Lab;

namespace Runbook.Tests.Lab;

[Collection("lab")]
public sealed class TlsTests(LabFixture fixture)
{
    [Fact]
    public async Task Given_client_trusting_lab_CA_When_connecting_to_IMAPS_Then_verified_connection_succeeds()
    {
        var lab = fixture.Lab;
        var token = LabClients.Timeout();
        using var client = new ImapClient { ServerCertificateValidationCallback = LabTls.TrustingCa(lab.Ca.File) };

        await client.ConnectAsync("localhost", lab.Old.Imaps.Port, SecureSocketOptions.SslOnConnect, token);
        await client.AuthenticateAsync(lab.NewAccount(), lab.Password, token);

        Assert.True(client.IsSecure);
        Assert.True(client.IsAuthenticated);
    }

    [Fact]
    public async Task Given_client_not_trusting_lab_CA_When_connecting_to_IMAPS_Then_handshake_is_refused()
    {
        var lab = fixture.Lab;
        var token = LabClients.Timeout();
        using var client = new ImapClient();

        await Assert.ThrowsAsync<SslHandshakeException>(
            () => client.ConnectAsync("localhost", lab.New.Imaps.Port, SecureSocketOptions.SslOnConnect, token));
        Assert.False(client.IsConnected);
    }
}
