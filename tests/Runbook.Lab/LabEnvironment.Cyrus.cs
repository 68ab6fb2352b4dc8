using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace Runbook.Lab;

/// <summary>
/// Cyrus IMAP 3.6: <c>altnamespace</c> (no INBOX prefix), '/' separator, special-use Sent/Drafts/Trash/Junk created at
/// the first login, no quota limit until <see cref="LabEnvironment.SetCyrusQuotaAsync"/> sets one.
/// </summary>
internal sealed record CyrusServer(LabEndpoint Imap, string Servername, string Admin, string Sasldb, LabNamespace Namespace);

/// <summary>Cyrus accounts: unlike Dovecot, each user must exist in the lab's sasldb before it can log in.</summary>
internal sealed partial record LabEnvironment
{
    // One saslpasswd2 at a time: the sasldb has no writer locking of its own.
    private static readonly SemaphoreSlim SasldbWriter = new(1, 1);

    /// <summary>
    /// Creates a fresh Cyrus user (<c>c-&lt;guid&gt;</c>, no domain: SASL would read one as the realm) with the lab
    /// password and returns its login name. Its mailbox appears at its first login, with no quota limit.
    /// </summary>
    public async Task<string> NewCyrusAccountAsync(CancellationToken cancellationToken)
    {
        var user = $"c-{Guid.NewGuid():N}";
        await SasldbWriter.WaitAsync(cancellationToken);
        try
        {
            // flock: lab.sh writes the same file (the admin user) when it starts Cyrus.
            var start = new ProcessStartInfo("flock", [Cyrus.Sasldb + ".lock", "saslpasswd2", "-p", "-c", "-f", Cyrus.Sasldb, "-u", Cyrus.Servername, user])
            {
                RedirectStandardInput = true,
                RedirectStandardError = true,
            };
            using var process = Process.Start(start) ?? throw new InvalidOperationException("could not run saslpasswd2");
            await process.StandardInput.WriteAsync(Password);
            process.StandardInput.Close();
            var errors = await process.StandardError.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            return process.ExitCode == 0 ? user : throw new InvalidOperationException($"saslpasswd2 {user} failed ({process.ExitCode}): {errors}");
        }
        finally
        {
            SasldbWriter.Release();
        }
    }

    /// <summary>
    /// Sets (or with null removes) the STORAGE limit, in KiB as IMAP counts it, of a Cyrus user's quota root, as the
    /// admin: <c>SETQUOTA user/NAME (STORAGE n)</c>. The user must have logged in once (its mailbox exists then).
    /// </summary>
    public async Task SetCyrusQuotaAsync(string user, long? storageKib, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(Cyrus.Imap.Host, Cyrus.Imap.Port, cancellationToken);
        await using var stream = client.GetStream();
        using var reader = new StreamReader(stream, Encoding.Latin1);
        await using var writer = new StreamWriter(stream, Encoding.Latin1) { NewLine = "\r\n", AutoFlush = true };
        await reader.ReadLineAsync(cancellationToken); // greeting
        var limit = storageKib is { } kib ? $"STORAGE {kib}" : "";
        foreach (var (tag, command) in new[] { ("a", $"LOGIN \"{Cyrus.Admin}\" \"{Password}\""), ("b", $"SETQUOTA \"user/{user}\" ({limit})"), ("c", "LOGOUT") })
        {
            await writer.WriteLineAsync($"{tag} {command}".AsMemory(), cancellationToken);
            string? line;
            do
            {
                line = await reader.ReadLineAsync(cancellationToken) ?? throw new IOException($"Cyrus closed the connection after {tag} {command}");
            }
            while (!line.StartsWith(tag + " ", StringComparison.Ordinal));
            if (!line.StartsWith(tag + " OK", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"Cyrus refused {command.Split(' ')[0]} for {user}: {line}");
            }
        }
    }
}
