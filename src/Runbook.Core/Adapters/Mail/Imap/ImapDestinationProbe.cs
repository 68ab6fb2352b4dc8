using System.Globalization;
using Runbook.Adapters.Mail.Raw;
using Runbook.Errors;

namespace Runbook.Adapters.Mail.Imap;

/// <summary>
/// Preflight's questions to the new server on one raw connection: NAMESPACE, LIST, GETQUOTAROOT and ID, asked and read
/// as the destination asks them (<see cref="RawFolderListing"/>, <see cref="ImapServerQuestions"/>). A listing the raw
/// reader cannot carry (a name sent as a literal) is asked again through MailKit, so preflight sees the folders the copy will see.
/// </summary>
internal sealed class ImapDestinationProbe : IDestinationProbe
{
    private readonly RawImapConnection _raw;
    private readonly MailLogin _login;
    private MailNamespace? _namespace;

    private ImapDestinationProbe(RawImapConnection raw, MailLogin login)
    {
        _raw = raw;
        _login = login;
        Capabilities = CapabilitiesOf(raw);
    }

    public DestinationCapabilities Capabilities { get; }

    public static async Task<ImapDestinationProbe> ConnectAsync(MailEndpoint endpoint, MailLogin login, CancellationToken cancellationToken) =>
        new(await RawImapConnection.OpenAsync(endpoint, login, cancellationToken), login);

    public async Task<MailNamespace> GetNamespaceAsync(CancellationToken cancellationToken) =>
        _namespace ??= await RawFolderListing.NamespaceAsync(_raw, cancellationToken);

    /// <summary>INBOX first, then every folder of the personal namespace, as <see cref="ImapNamespaces.ListAsync"/> lists them.</summary>
    public async Task<IReadOnlyList<SourceFolder>> ListFoldersAsync(CancellationToken cancellationToken) =>
        (await RawFolderListing.ListAsync(_raw, await GetNamespaceAsync(cancellationToken), withStatus: false, cancellationToken))?.Folders
            ?? await ImapMailDestination.ListThroughMailKitAsync(_raw.Endpoint, _login, cancellationToken);

    public async Task<MailQuota?> GetQuotaAsync(CancellationToken cancellationToken) =>
        Capabilities.Quota ? await ImapServerQuestions.QuotaAsync(_raw, cancellationToken) : null;

    public async Task<ServerIdentity?> IdentifyAsync(CancellationToken cancellationToken) =>
        _raw.Has("ID") ? await ImapServerQuestions.IdentityAsync(_raw, cancellationToken) : null;

    public ValueTask DisposeAsync() => _raw.DisposeAsync();

    /// <summary>What the new server offers that changes how the copy is done or checked, from a raw connection's capabilities.</summary>
    public static DestinationCapabilities CapabilitiesOf(RawImapConnection raw) => new(
        raw.Has("UIDPLUS"), raw.Has("MULTIAPPEND"), raw.Has("SPECIAL-USE"),
        raw.Has("QUOTA") || raw.Capabilities.Any(c => c.StartsWith("QUOTA=", StringComparison.OrdinalIgnoreCase)),
        AppendLimit(raw), raw.Has("LITERAL+"));

    /// <summary>APPENDLIMIT=n (RFC 7889); a bare APPENDLIMIT (limits per mailbox) is no account-wide limit, as MailKit reads it.</summary>
    private static long? AppendLimit(RawImapConnection raw) =>
        raw.Capabilities.FirstOrDefault(c => c.StartsWith("APPENDLIMIT=", StringComparison.OrdinalIgnoreCase)) is { } limit
        && long.TryParse(limit["APPENDLIMIT=".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var bytes) ? bytes : null;
}
