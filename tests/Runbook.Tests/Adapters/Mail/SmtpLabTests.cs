using Runbook.Adapters.Mail;
using Runbook.Adapters.Mail.Smtp;
using Runbook.Errors;
using Runbook.Plan.Model;

using Runbook.Tests.Lab;

namespace Runbook.Tests.Adapters.Mail;

[Collection("lab")]
[Trait("Category", "Lab")]
public sealed class SmtpLabTests(LabFixture fixture)
{
    private readonly MailLab _lab = new(fixture.Lab);

    [Fact]
    public async Task Given_submission_with_starttls_and_the_lab_ca_When_probed_Then_logged_in_and_mechanisms_listed()
    {
        var result = await SmtpProbe.ProbeAsync(_lab.New("submission", TransportSecurity.StartTls), _lab.NewLogin(), CancellationToken.None);

        Assert.Contains("PLAIN", result.AuthenticationMechanisms);
    }

    [Fact]
    public async Task Given_a_wrong_password_When_probed_Then_authentication_failed()
    {
        var login = _lab.NewLogin() with { Password = "wrong" };

        var error = await Assert.ThrowsAsync<AuthenticationFailedException>(
            () => SmtpProbe.ProbeAsync(_lab.New("submission", TransportSecurity.StartTls), login, CancellationToken.None));

        Assert.Contains(login.User, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_no_ca_When_probed_Then_unreachable_with_certificate_advice()
    {
        var endpoint = _lab.New("submission", TransportSecurity.StartTls, new TlsOptions());

        var error = await Assert.ThrowsAsync<ServerUnreachableException>(() => SmtpProbe.ProbeAsync(endpoint, _lab.NewLogin(), CancellationToken.None));

        Assert.Contains("tls.ca_file", error.Message, StringComparison.Ordinal);
    }
}
