using System.Globalization;
using System.Text;
using Runbook.Adapters.Mail.Connection;
using Runbook.Adapters.Mail.Raw;
using Runbook.Errors;
using Runbook.Plan.Model;

namespace Runbook.Adapters.Mail.Pop3;

/// <summary>
/// A small POP3 client that streams RETR straight to the caller (MailKit's POP3 client buffers whole messages).
/// It never sends DELE, so QUIT cannot delete anything. A reply with a "busy" code (<c>-ERR [IN-USE]</c>,
/// <c>[SYS/TEMP]</c>, RFC 3206) is a retryable failure wherever it arrives: to the login, or to the first command after
/// a <c>+OK</c> login (Dovecot with <c>pop3_lock_session</c> may open the mailbox only then).
/// </summary>
internal sealed partial class RawPop3Session : IAsyncDisposable
{
    private readonly RawChannel _channel;
    private HashSet<string> _capabilities = new(StringComparer.OrdinalIgnoreCase);
    private bool _saslPlain;
    private string _user = "";

    private RawPop3Session(RawChannel channel) => _channel = channel;

    public MailEndpoint Endpoint => _channel.Endpoint;

    /// <summary>A CAPA line's first word (TOP, UIDL, STLS, SASL, USER, PIPELINING).</summary>
    public bool Has(string capability) => _capabilities.Contains(capability);

    public static async Task<RawPop3Session> OpenAsync(MailEndpoint endpoint, MailLogin login, CancellationToken cancellationToken)
    {
        var policy = new CertificatePolicy(endpoint.Endpoint.Tls);
        RawPop3Session? session = null;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(endpoint.ConnectTimeout);
        try
        {
            session = new RawPop3Session(await RawChannel.ConnectAsync(endpoint, policy, timeout.Token));
            await session.ExpectOkAsync("greeting", timeout.Token);
            await session.ReadCapabilitiesAsync(timeout.Token);
            if (endpoint.Endpoint.Security == TransportSecurity.StartTls)
            {
                if (!session.Has("STLS") || !(await session.CommandAsync("STLS", timeout.Token)).Ok)
                {
                    throw new NotSupportedException("STLS not offered");
                }
                await session._channel.UpgradeToTlsAsync(policy, timeout.Token);
                await session.ReadCapabilitiesAsync(timeout.Token);
            }
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is not ServerUnreachableException)
        {
            await DisposeBrokenAsync(session);
            var cause = e is StepFailedException { InnerException: { } inner } ? inner : e;
            throw MailConnectionErrors.Connect(endpoint, cause, policy, timedOut: timeout.IsCancellationRequested);
        }
        try
        {
            await session.LoginAsync(login, cancellationToken);
            return session;
        }
        catch
        {
            await DisposeBrokenAsync(session);
            throw;
        }
    }

    /// <summary>"n value" lines of UIDL or LIST, by message number.</summary>
    public async Task<IReadOnlyList<(int Number, string Value)>> ListingAsync(string command, CancellationToken cancellationToken)
    {
        await RequireOkAsync(command, cancellationToken);
        return await ReadListingAsync(cancellationToken);
    }

    private async Task<IReadOnlyList<(int Number, string Value)>> ReadListingAsync(CancellationToken cancellationToken)
    {
        var result = new List<(int, string)>();
        while (await ReadLineAsync(cancellationToken) is var line && line != ".")
        {
            var parts = line.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries);
            result.Add((int.Parse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture), parts.Length > 1 ? parts[1].Trim() : ""));
        }
        return result;
    }

    /// <summary>Streams a multi-line reply (RETR n, TOP n 0) to <paramref name="destination"/> as the message's bytes.</summary>
    public async Task CopyAsync(string command, long? listedSize, Stream destination, CancellationToken cancellationToken)
    {
        await RequireOkAsync(command, cancellationToken);
        await ReadMultilineAsync(command, listedSize, destination, cancellationToken);
    }

    /// <summary>Reads the body of a multi-line reply whose +OK status line was already read.</summary>
    private async Task ReadMultilineAsync(string command, long? listedSize, Stream destination, CancellationToken cancellationToken)
    {
        var decoder = new Pop3MultilineDecoder(listedSize);
        while (!decoder.Done)
        {
            var input = await _channel.GuardAsync($"reading the reply to {command}", _channel.PeekAsync, cancellationToken);
            _channel.Consume(decoder.Decode(input.Span));
            if (decoder.Full || decoder.Done)
            {
                await decoder.FlushAsync(destination, cancellationToken);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_channel.Broken)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await CommandAsync("QUIT", timeout.Token);
            }
            catch (Exception e) when (e is StepFailedException or OperationCanceledException)
            {
                // Leaving anyway; nothing was marked for deletion.
            }
        }
        await _channel.DisposeAsync();
    }

    private async Task LoginAsync(MailLogin login, CancellationToken cancellationToken)
    {
        _user = login.User;
        (bool Ok, string Text) reply;
        if (_saslPlain)
        {
            reply = await CommandAsync("AUTH PLAIN " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{login.User}\0{login.Password}")), cancellationToken);
        }
        else
        {
            reply = await CommandAsync("USER " + login.User, cancellationToken);
            if (reply.Ok)
            {
                reply = await CommandAsync("PASS " + login.Password, cancellationToken);
            }
        }
        if (!reply.Ok && MailConnectionErrors.IsBusy(reply.Text))
        {
            throw MailConnectionErrors.Busy(Endpoint, login.User, reply.Text);
        }
        if (!reply.Ok)
        {
            // The reply is the server's text; the password is never part of it.
            throw new AuthenticationFailedException($"{Endpoint}: login refused for account {login.User} ({reply.Text}): check the user name and the password secret");
        }

        // A server may accept the login and only then fail to open (lock) the mailbox: STAT proves it is open, so a
        // busy mailbox is known when the session opens rather than at its first listing.
        await RequireOkAsync("STAT", cancellationToken);
    }

    private async Task ReadCapabilitiesAsync(CancellationToken cancellationToken)
    {
        var capabilities = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        _saslPlain = false;
        if ((await CommandAsync("CAPA", cancellationToken)).Ok)
        {
            while (await ReadLineAsync(cancellationToken) is var line && line != ".")
            {
                var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (words.Length == 0)
                {
                    continue;
                }
                capabilities.Add(words[0]);
                _saslPlain |= words[0].Equals("SASL", StringComparison.OrdinalIgnoreCase) && words.Skip(1).Contains("PLAIN", StringComparer.OrdinalIgnoreCase);
            }
        }
        _capabilities = capabilities;
    }

    private async Task RequireOkAsync(string command, CancellationToken cancellationToken)
    {
        var reply = await CommandAsync(command, cancellationToken);
        ThrowIfRefused(command, reply);
    }

    private void ThrowIfRefused(string command, (bool Ok, string Text) reply)
    {
        if (!reply.Ok && MailConnectionErrors.IsBusy(reply.Text))
        {
            throw MailConnectionErrors.Busy(Endpoint, _user, reply.Text);
        }
        if (!reply.Ok)
        {
            throw new StepFailedException($"{Endpoint}: server refused {command.Split(' ')[0]}: {reply.Text}", retryable: false);
        }
    }

    private async Task<(bool Ok, string Text)> CommandAsync(string command, CancellationToken cancellationToken)
    {
        await _channel.WriteAsync(command + "\r\n", cancellationToken);
        await _channel.FlushAsync(cancellationToken);
        return await ReadStatusAsync(cancellationToken);
    }

    private async Task ExpectOkAsync(string what, CancellationToken cancellationToken)
    {
        var (ok, text) = await ReadStatusAsync(cancellationToken);
        if (!ok)
        {
            throw new IOException($"unexpected POP3 {what}: {text}");
        }
    }

    private async Task<(bool Ok, string Text)> ReadStatusAsync(CancellationToken cancellationToken)
    {
        var line = await ReadLineAsync(cancellationToken);
        return line.StartsWith("+OK", StringComparison.OrdinalIgnoreCase) ? (true, line[3..].Trim())
            : line.StartsWith("-ERR", StringComparison.OrdinalIgnoreCase) ? (false, line[4..].Trim())
            : throw new IOException($"unexpected POP3 reply: {line}");
    }

    private Task<string> ReadLineAsync(CancellationToken cancellationToken) =>
        _channel.GuardAsync("waiting for the server's reply", _channel.ReadLineAsync, cancellationToken);

    private static async Task DisposeBrokenAsync(RawPop3Session? session)
    {
        if (session is not null)
        {
            session._channel.MarkBroken();
            await session.DisposeAsync();
        }
    }
}
