using MailKit;
using MailKit.Net.Imap;
using Runbook.Adapters.Mail;
using Runbook.Adapters.Mail.Connection;
using Runbook.Adapters.Mail.Imap;
using Runbook.Tests.Lab;
using static Runbook.Tests.Adapters.Mail.MailLabMessages;

namespace Runbook.Tests.Adapters.Mail.Imap;

/// <summary>
/// Preflight's probe and the destination, which both read the new server's replies themselves, answer as MailKit reads
/// the same server, on the real servers: the same capabilities, namespace and folders (names with non-ASCII, nested,
/// special-use), and the probe the destination's quota and software, so preflight checks the mapping the copy will use.
/// </summary>
[Collection("lab")]
[Trait("Category", "Lab")]
public sealed class DestinationProbeLabTests(LabFixture fixture)
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly MailLab _lab = new(fixture.Lab);

    [Theory]
    [InlineData("new")]
    [InlineData("old")]
    public async Task Given_a_dovecot_account_with_awkward_folders_When_probed_Then_the_answers_are_the_destinations(string server)
    {
        var endpoint = server == "new" ? _lab.New("imap") : _lab.Old("imap");
        var login = _lab.NewLogin();
        foreach (var folder in new[] { "Cartório/2024", "日本語/メール", "Sent", "Arquivo & Co" })
        {
            await SeedAsync(endpoint, login, folder, [Item(Crlf(folder))]);
        }

        await AssertSameAsync(endpoint, login);
    }

    [Fact]
    public async Task Given_a_cyrus_account_When_probed_Then_the_answers_are_the_destinations()
    {
        var cyrus = new CyrusLab(fixture.Lab);
        var login = await cyrus.NewLoginAsync(LabClients.Timeout());
        await SeedAsync(cyrus.Imap, login, "Cartório/2024", [Item(Crlf("c"))]);

        await AssertSameAsync(cyrus.Imap, login);
    }

    /// <summary>Probe and destination read the server's replies themselves (raw); MailKit's reading of the same is the reference.</summary>
    private static async Task AssertSameAsync(MailEndpoint endpoint, MailLogin login)
    {
        await using var destination = await ImapMailDestination.ConnectAsync(endpoint, login, None);
        await using var probe = await ImapDestinationProbe.ConnectAsync(endpoint, login, None);
        using var client = new ImapClient();
        await MailServiceConnection.ConnectAsync(client, endpoint, login, None);
        var caps = client.Capabilities;
        var mailKit = new DestinationCapabilities(
            caps.HasFlag(ImapCapabilities.UidPlus), caps.HasFlag(ImapCapabilities.MultiAppend), caps.HasFlag(ImapCapabilities.SpecialUse),
            caps.HasFlag(ImapCapabilities.Quota), client.AppendLimit, caps.HasFlag(ImapCapabilities.LiteralPlus));

        Assert.Equal(mailKit, probe.Capabilities);
        Assert.Equal(mailKit, destination.Capabilities);
        Assert.Equal(ImapNamespaces.Personal(client), await probe.GetNamespaceAsync(None));
        Assert.Equal(ImapNamespaces.Personal(client), await destination.GetNamespaceAsync(None));
        // In name order: MailKit orders a listing that brings statuses (LIST-STATUS) its own way, and the folder
        // mapping sorts by name anyway.
        var expected = ByName(await ImapNamespaces.ListAsync(client, None));
        Assert.True(expected.Count > 3, $"only {expected.Count} folders listed");
        Assert.Equal(expected, ByName(await probe.ListFoldersAsync(None)));
        Assert.Equal(expected, ByName(await destination.ListFoldersAsync(None)));
        Assert.Equal(Quota(await destination.GetQuotaAsync(None)), Quota(await probe.GetQuotaAsync(None)));
        Assert.Equal(await destination.IdentifyAsync(None), await probe.IdentifyAsync(None));
        await client.DisconnectAsync(true, None);
    }

    private static List<SourceFolder> ByName(IReadOnlyList<SourceFolder> folders) => [.. folders.OrderBy(f => f.FullName, StringComparer.Ordinal)];

    private static string Quota(MailQuota? quota) =>
        quota is null ? "none" : $"{quota with { Others = [] }} {string.Join(',', quota.Others)}";
}
