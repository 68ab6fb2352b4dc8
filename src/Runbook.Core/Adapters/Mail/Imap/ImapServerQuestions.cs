using Runbook.Adapters.Mail.Raw;

namespace Runbook.Adapters.Mail.Imap;

/// <summary>
/// The quota and the server's software, asked on a raw connection and read by Runbook (<see cref="ImapQuotaReply"/>,
/// <see cref="ImapIdReply"/>): MailKit drops its connection on valid replies it does not expect. Shared by the
/// destination and preflight's probe.
/// </summary>
internal static class ImapServerQuestions
{
    /// <summary>GETQUOTAROOT INBOX (ask only a server that offers QUOTA); a refusal is an unknown quota, not "no limit".</summary>
    public static async Task<MailQuota?> QuotaAsync(RawImapConnection raw, CancellationToken cancellationToken)
    {
        var (untagged, reply) = await raw.RunAsync("GETQUOTAROOT INBOX", cancellationToken);
        return reply.Status == ImapStatus.Ok ? ImapQuotaReply.Parse(untagged) : MailQuota.Unknown($"the server refused GETQUOTAROOT INBOX ({reply.Reason})");
    }

    /// <summary>ID NIL (RFC 2971; ask only a server that offers ID).</summary>
    public static async Task<ServerIdentity?> IdentityAsync(RawImapConnection raw, CancellationToken cancellationToken)
    {
        var (untagged, reply) = await raw.RunAsync("ID NIL", cancellationToken);
        return reply.Status == ImapStatus.Ok ? ImapIdReply.Parse(untagged) : new ServerIdentity(null, $"the server refused ID ({reply.Reason})");
    }
}
