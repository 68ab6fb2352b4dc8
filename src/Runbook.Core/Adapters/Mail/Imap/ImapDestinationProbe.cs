using System.Globalization;
using Runbook.Adapters.Mail.Raw;
using Runbook.Errors;

namespace Runbook.Adapters.Mail.Imap;

/// <summary>
/// Preflight's questions to the new server on one raw connection: NAMESPACE, LIST, GETQUOTAROOT and ID. The full
/// destination opens two (MailKit for folders, raw for APPEND), and on a server that starts a process per login, as
/// Dovecot does by default, that login costs more than every question asked on it. A listing the raw reader cannot
/// carry (a name sent as a literal) is asked again through MailKit, so preflight sees the folders the copy will see.
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
        Capabilities = new DestinationCapabilities(
            raw.Has("UIDPLUS"), raw.Has("MULTIAPPEND"), raw.Has("SPECIAL-USE"),
            raw.Has("QUOTA") || raw.Capabilities.Any(c => c.StartsWith("QUOTA=", StringComparison.OrdinalIgnoreCase)),
            AppendLimit(raw), raw.Has("LITERAL+"));
    }

    public DestinationCapabilities Capabilities { get; }

    public static async Task<ImapDestinationProbe> ConnectAsync(MailEndpoint endpoint, MailLogin login, CancellationToken cancellationToken) =>
        new(await RawImapConnection.OpenAsync(endpoint, login, cancellationToken), login);

    /// <summary>The first personal namespace; without one (or without NAMESPACE), the root with the separator <c>LIST "" ""</c> names.</summary>
    public async Task<MailNamespace> GetNamespaceAsync(CancellationToken cancellationToken)
    {
        if (_namespace is null && _raw.Has("NAMESPACE"))
        {
            var (untagged, reply) = await _raw.RunAsync("NAMESPACE", cancellationToken);
            _namespace = reply.Status == ImapStatus.Ok ? ImapListReply.PersonalNamespace(untagged) : null;
        }

        if (_namespace is null)
        {
            var (untagged, _) = await _raw.RunAsync("LIST \"\" \"\"", cancellationToken);
            var root = untagged.Select(ImapListReply.Separator).FirstOrDefault(c => c is not null);
            _namespace = new MailNamespace("", root is { } separator and not '\0' ? separator : '/');
        }

        return _namespace;
    }

    /// <summary>INBOX first, then every folder of the personal namespace, as <see cref="ImapNamespaces.ListAsync"/> lists them.</summary>
    public async Task<IReadOnlyList<SourceFolder>> ListFoldersAsync(CancellationToken cancellationToken)
    {
        var ns = await GetNamespaceAsync(cancellationToken);
        var pattern = ModifiedUtf7.Encode(ns.Prefix.Length == 0 ? "" : ns.Prefix + ns.Separator) + "*";
        var listed = await ListAsync(ImapSyntax.Quoted(pattern), cancellationToken);
        if (listed is null)
        {
            return await ListThroughMailKitAsync(cancellationToken);
        }

        var inbox = listed.FirstOrDefault(f => f.FullName == "INBOX");
        if (inbox is null)
        {
            var asked = await ListAsync("INBOX", cancellationToken);
            if (asked is null)
            {
                return await ListThroughMailKitAsync(cancellationToken);
            }
            inbox = asked.FirstOrDefault(f => f.FullName == "INBOX") ?? new SourceFolder("INBOX", ns.Separator, true, null);
        }

        return [inbox, .. listed.Where(f => f.FullName != "INBOX").DistinctBy(f => f.FullName, StringComparer.Ordinal)];
    }

    public async Task<MailQuota?> GetQuotaAsync(CancellationToken cancellationToken) =>
        Capabilities.Quota ? await ImapServerQuestions.QuotaAsync(_raw, cancellationToken) : null;

    public async Task<ServerIdentity?> IdentifyAsync(CancellationToken cancellationToken) =>
        _raw.Has("ID") ? await ImapServerQuestions.IdentityAsync(_raw, cancellationToken) : null;

    public ValueTask DisposeAsync() => _raw.DisposeAsync();

    /// <summary>LIST "" <paramref name="pattern"/> (with the special-use attributes asked for where that needs asking); null when a line cannot be read here.</summary>
    private async Task<List<SourceFolder>?> ListAsync(string pattern, CancellationToken cancellationToken)
    {
        var returnSpecialUse = Capabilities.SpecialUse && _raw.Has("LIST-EXTENDED") ? " RETURN (SPECIAL-USE)" : "";
        var (untagged, reply) = await _raw.RunAsync($"LIST \"\" {pattern}{returnSpecialUse}", cancellationToken);
        if (reply.Status != ImapStatus.Ok)
        {
            throw new StepFailedException($"{_raw.Endpoint}: server refused listing folders: {reply.Reason}", retryable: false);
        }

        var folders = untagged.Where(l => l.StartsWith("* LIST ", StringComparison.OrdinalIgnoreCase)).Select(ImapListReply.Folder).ToList();
        return folders.Any(f => f is null) ? null : [.. folders.OfType<SourceFolder>()];
    }

    private async Task<IReadOnlyList<SourceFolder>> ListThroughMailKitAsync(CancellationToken cancellationToken)
    {
        await using var full = await ImapMailDestination.ConnectAsync(_raw.Endpoint, _login, cancellationToken);
        return await full.ListFoldersAsync(cancellationToken);
    }

    /// <summary>APPENDLIMIT=n (RFC 7889); a bare APPENDLIMIT (limits per mailbox) is no account-wide limit, as MailKit reads it.</summary>
    private static long? AppendLimit(RawImapConnection raw) =>
        raw.Capabilities.FirstOrDefault(c => c.StartsWith("APPENDLIMIT=", StringComparison.OrdinalIgnoreCase)) is { } limit
        && long.TryParse(limit["APPENDLIMIT=".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var bytes) ? bytes : null;
}
