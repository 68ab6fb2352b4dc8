using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Runbook.Adapters.Mail.Connection;
using Runbook.Plan.Model;

namespace Runbook.Tests.Adapters.Mail.Connection;

public sealed class CertificatePolicyTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("runbook-cert-").FullName;

    [Fact]
    public void Given_default_options_When_the_chain_has_errors_Then_refused_with_advice()
    {
        using var leaf = TestCertificates.SelfSigned("localhost");
        var policy = new CertificatePolicy(new TlsOptions());

        var ok = policy.Validate(this, leaf, null, SslPolicyErrors.RemoteCertificateChainErrors);

        Assert.False(ok);
        Assert.Contains("tls.ca_file", policy.LastFailure, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_default_options_When_the_system_trusts_it_Then_accepted()
    {
        using var leaf = TestCertificates.SelfSigned("localhost");

        Assert.True(new CertificatePolicy(new TlsOptions()).Validate(this, leaf, null, SslPolicyErrors.None));
    }

    [Fact]
    public void Given_a_ca_file_When_the_leaf_is_signed_by_it_Then_accepted()
    {
        var (ca, leaf) = TestCertificates.CaAndLeaf("localhost");
        using (ca)
        using (leaf)
        {
            var policy = new CertificatePolicy(new TlsOptions { CaFile = WritePem(ca) });

            Assert.True(policy.Validate(this, leaf, null, SslPolicyErrors.RemoteCertificateChainErrors), policy.LastFailure);
        }
    }

    [Fact]
    public void Given_a_ca_file_When_the_leaf_is_signed_by_another_ca_Then_refused()
    {
        var (ca, _) = TestCertificates.CaAndLeaf("localhost");
        var (_, foreignLeaf) = TestCertificates.CaAndLeaf("localhost");
        using (ca)
        using (foreignLeaf)
        {
            var policy = new CertificatePolicy(new TlsOptions { CaFile = WritePem(ca) });

            Assert.False(policy.Validate(this, foreignLeaf, null, SslPolicyErrors.RemoteCertificateChainErrors));
            Assert.Contains("not trusted by tls.ca_file", policy.LastFailure, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Given_a_ca_file_When_the_name_mismatches_Then_refused()
    {
        var (ca, leaf) = TestCertificates.CaAndLeaf("mail.other.test");
        using (ca)
        using (leaf)
        {
            var policy = new CertificatePolicy(new TlsOptions { CaFile = WritePem(ca) });

            Assert.False(policy.Validate(this, leaf, null, SslPolicyErrors.RemoteCertificateNameMismatch));
            Assert.Contains("name mismatch", policy.LastFailure, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Given_verify_off_When_anything_is_wrong_Then_accepted()
    {
        using var leaf = TestCertificates.SelfSigned("localhost");
        var policy = new CertificatePolicy(new TlsOptions { Verify = false, InsecureReason = "lab" });

        Assert.True(policy.Validate(this, leaf, null, SslPolicyErrors.RemoteCertificateChainErrors | SslPolicyErrors.RemoteCertificateNameMismatch));
    }

    [Fact]
    public void Given_an_unreadable_ca_file_When_validating_Then_refused_naming_the_file()
    {
        using var leaf = TestCertificates.SelfSigned("localhost");
        var missing = Path.Combine(_dir, "missing.pem");
        var policy = new CertificatePolicy(new TlsOptions { CaFile = missing });

        Assert.False(policy.Validate(this, leaf, null, SslPolicyErrors.RemoteCertificateChainErrors));
        Assert.Contains(missing, policy.LastFailure, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string WritePem(X509Certificate2 certificate)
    {
        var path = Path.Combine(_dir, $"ca-{Guid.NewGuid():N}.pem");
        File.WriteAllText(path, certificate.ExportCertificatePem());
        return path;
    }
}

/// <summary>Builds throwaway certificates in memory.</summary>
internal static class TestCertificates
{
    public static X509Certificate2 SelfSigned(string host)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={host}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return request.CreateSelfSigned(DateTimeOffset.UnixEpoch, DateTimeOffset.MaxValue.AddYears(-1));
    }

    public static (X509Certificate2 Ca, X509Certificate2 Leaf) CaAndLeaf(string host)
    {
        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest("CN=Runbook Test CA", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        var ca = caRequest.CreateSelfSigned(DateTimeOffset.UnixEpoch, new DateTimeOffset(2100, 1, 1, 0, 0, 0, TimeSpan.Zero));
        using var leafKey = RSA.Create(2048);
        var leafRequest = new CertificateRequest($"CN={host}", leafKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var leaf = leafRequest.Create(ca, DateTimeOffset.UnixEpoch.AddDays(1), new DateTimeOffset(2099, 1, 1, 0, 0, 0, TimeSpan.Zero), [1, 2, 3, 4]);
        return (ca, leaf);
    }
}
