using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Runbook.Lab;

/// <summary>Certificate validation that trusts exactly the lab CA, with every other check left on.</summary>
internal static class LabTls
{
    public static RemoteCertificateValidationCallback TrustingCa(string caFile)
    {
        var ca = X509CertificateLoader.LoadCertificateFromFile(caFile);
        return (_, certificate, _, errors) =>
        {
            // Name mismatch or a missing certificate stays fatal; only the unknown root is resolved here.
            if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
            {
                return false;
            }
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(ca);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return chain.Build(new X509Certificate2(certificate));
        };
    }
}
