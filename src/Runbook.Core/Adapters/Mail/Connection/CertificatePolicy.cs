using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Runbook.Plan.Model;

namespace Runbook.Adapters.Mail.Connection;

/// <summary>Decides whether a server certificate is trusted, per the plan's <see cref="TlsOptions"/>; remembers why it refused.</summary>
internal sealed class CertificatePolicy(TlsOptions options)
{
    private X509Certificate2Collection? _customRoots;

    /// <summary>Why the last certificate was refused, in words a plan author can act on; null when none was refused.</summary>
    public string? LastFailure { get; private set; }

    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        _ = sender;
        _ = chain;
        if (!options.Verify)
        {
            return true;
        }
        if (certificate is null)
        {
            return Fail("the server sent no certificate");
        }
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            return Fail($"certificate name mismatch (certificate is for {Subject(certificate)}): connect with the host name the certificate names");
        }
        if (options.CaFile is null)
        {
            return errors == SslPolicyErrors.None
                || Fail($"certificate not trusted ({errors}, issued by {Issuer(certificate)}): add tls.ca_file with the CA that signed it, or set tls.verify: false with tls.insecure_reason");
        }
        return ValidateAgainstCustomRoot(certificate);
    }

    private bool ValidateAgainstCustomRoot(X509Certificate certificate)
    {
        X509Certificate2Collection roots;
        try
        {
            roots = _customRoots ??= LoadRoots(options.CaFile!);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            return Fail($"tls.ca_file {options.CaFile} could not be read: {e.Message}");
        }
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        // A private CA rarely publishes revocation lists; the explicit trust anchor is the check.
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = new X509Certificate2(certificate);
        if (chain.Build(leaf))
        {
            return true;
        }
        var status = string.Join(", ", chain.ChainStatus.Select(s => s.Status.ToString()).Distinct());
        return Fail($"certificate not trusted by tls.ca_file {options.CaFile} ({status}, issued by {Issuer(certificate)}): check that this CA signed the server's certificate");
    }

    private static X509Certificate2Collection LoadRoots(string path)
    {
        var roots = new X509Certificate2Collection();
        roots.ImportFromPemFile(path);
        if (roots.Count == 0)
        {
            throw new IOException("no PEM certificate found");
        }
        return roots;
    }

    private bool Fail(string reason)
    {
        LastFailure = reason;
        return false;
    }

    private static string Subject(X509Certificate c) => c.Subject;
    private static string Issuer(X509Certificate c) => c.Issuer;
}
