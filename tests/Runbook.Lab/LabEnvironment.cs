using System.Text.Json;
using System.Text.Json.Serialization;

namespace Runbook.Lab;

/// <summary>A server endpoint of the lab (always on loopback).</summary>
internal sealed record LabEndpoint(string Host, int Port);

/// <summary>A namespace as the server announces it: prefix ("INBOX." on old, "" on new) and separator.</summary>
internal sealed record LabNamespace(string Prefix, char Separator);

/// <summary>The old, Courier-style Dovecot (IMAP, IMAPS, POP3, POP3S) and its own MX (SMTP, no auth), which delivers into it.</summary>
internal sealed record OldServer(
    LabEndpoint Imap, LabEndpoint Imaps, LabEndpoint Pop3, LabEndpoint Pop3s, LabEndpoint Smtp,
    string Doveconf, string MailRoot, LabNamespace Namespace)
{
    /// <summary>The account's Maildir++ root on disk (its INBOX); used to store messages byte for byte.</summary>
    public string MaildirOf(string user) => Path.Combine(MailRoot, user, "Maildir");
}

/// <summary>Per-message size caps of the new server; users starting with the prefix get the small cap.</summary>
internal sealed record LabSizeLimit(long MaxMessageBytes, string SmallUserPrefix, long SmallUserMaxMessageBytes);

/// <summary>The new, modern Dovecot (IMAP, IMAPS) and the Postfix in front of it (SMTP, submission).</summary>
internal sealed record NewServer(
    LabEndpoint Imap, LabEndpoint Imaps, LabEndpoint Smtp, LabEndpoint Submission,
    string Doveconf, string MailRoot, LabNamespace Namespace, LabSizeLimit SizeLimit);

/// <summary>The TSIG key that authorises RFC 2136 updates of the lab zone.</summary>
internal sealed record LabTsigKey(string Name, string Algorithm, string Secret)
{
    public byte[] SecretBytes() => Convert.FromBase64String(Secret);
}

/// <summary>TTLs of the lab zone in seconds (short so propagation can be observed in a test).</summary>
internal sealed record LabZoneTtls(int Mx, int A, int Txt, int Negative);

/// <summary>The authoritative BIND, the caching resolver in front of it, the zone and its key.</summary>
internal sealed record LabDns(LabEndpoint Authoritative, LabEndpoint Resolver, string Zone, LabZoneTtls Ttl, LabTsigKey Tsig);

internal sealed record LabCa(string File);

/// <summary>Any username logs in on both Dovecots with <see cref="Password"/>.</summary>
internal sealed record LabAccounts(string Domain, string Password);

/// <summary>Typed view of <c>.lab/lab.json</c>, written by <c>lab/lab.sh up</c>.</summary>
internal sealed partial record LabEnvironment(
    string Id, string Host, string Root, OldServer Old, NewServer New, CyrusServer Cyrus, LabDns Dns, LabCa Ca, LabAccounts Accounts)
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNameCaseInsensitive = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
    };

    public string Password => Accounts.Password;

    /// <summary>A fresh, unique address: the lab accepts any username, so nothing is shared between tests.</summary>
    public string NewAccount(string prefix = "t") => $"{prefix}-{Guid.NewGuid():N}@{Accounts.Domain}";

    public static LabEnvironment Load(string labJsonPath)
    {
        using var stream = File.OpenRead(labJsonPath);
        return JsonSerializer.Deserialize<LabEnvironment>(stream, JsonOptions)
            ?? throw new InvalidDataException($"{labJsonPath} is empty");
    }

    /// <summary>Walks up from <paramref name="start"/> to the folder holding Runbook.sln.</summary>
    public static string FindRepositoryRoot(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Runbook.sln")))
            {
                return dir.FullName;
            }
        }
        throw new DirectoryNotFoundException($"no Runbook.sln above {start}");
    }

    /// <summary>The running lab of the repository containing <paramref name="start"/>.</summary>
    public static LabEnvironment LoadFrom(string start) =>
        Load(Path.Combine(FindRepositoryRoot(start), ".lab", "lab.json"));
}
