using System.Globalization;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;

namespace Runbook.Lab.Bench;

/// <summary>One untagged response: its text with each literal replaced by <c>{N}</c>, and the literals' bytes.</summary>
internal sealed record ImapResponse(string Text, IReadOnlyList<byte[]> Literals);

/// <summary>
/// The smallest IMAP client the benchmark's floor and byte check need: plain TCP on loopback, LOGIN, commands whose
/// untagged responses stream to a callback (so a folder's messages never sit in memory at once), and literals read
/// as exact bytes. No MailKit here on purpose: the floor must not pay for parsing it does not need.
/// With <c>caFile</c>, the connection is implicit TLS (IMAPS) trusting that CA.
/// </summary>
internal sealed class ImapWire : IAsyncDisposable
{
    private readonly TcpClient tcp;
    private readonly BufferedStream stream;
    private int tagCounter;

    private ImapWire(TcpClient tcp, Stream transport)
    {
        this.tcp = tcp;
        stream = new BufferedStream(transport, 1 << 16);
    }

    public static async Task<ImapWire> LoginAsync(LabEndpoint endpoint, string user, string password, CancellationToken cancellationToken,
        string? caFile = null)
    {
        var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync(endpoint.Host, endpoint.Port, cancellationToken);
        Stream transport = tcp.GetStream();
        if (caFile is not null)
        {
            var tls = new SslStream(transport, false, LabTls.TrustingCa(caFile));
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = endpoint.Host }, cancellationToken);
            transport = tls;
        }
        var wire = new ImapWire(tcp, transport);
        await wire.ReadResponseAsync(cancellationToken); // greeting
        await wire.CommandAsync($"LOGIN {Quote(user)} {Quote(password)}", null, cancellationToken);
        return wire;
    }

    /// <summary>Sends one command and hands every untagged response to <paramref name="onUntagged"/>; throws unless OK.</summary>
    public async Task CommandAsync(string command, Action<ImapResponse>? onUntagged, CancellationToken cancellationToken)
    {
        var tag = NextTag();
        await stream.WriteAsync(Encoding.UTF8.GetBytes($"{tag} {command}\r\n"), cancellationToken);
        await stream.FlushAsync(cancellationToken);
        await ReadUntilTaggedAsync(tag, command, onUntagged, cancellationToken);
    }

    /// <summary>MULTIAPPEND with LITERAL+ (RFC 3502, 7888): the whole batch in one command and one round trip.</summary>
    public async Task AppendAsync(string mailbox, IReadOnlyList<WireMessage> messages, CancellationToken cancellationToken)
    {
        var tag = NextTag();
        await stream.WriteAsync(Encoding.UTF8.GetBytes($"{tag} APPEND {Quote(mailbox)}"), cancellationToken);
        foreach (var message in messages)
        {
            var header = string.Create(CultureInfo.InvariantCulture,
                $" ({message.Flags}) \"{message.InternalDate}\" {{{message.Bytes.Length}+}}\r\n");
            await stream.WriteAsync(Encoding.ASCII.GetBytes(header), cancellationToken);
            await stream.WriteAsync(message.Bytes, cancellationToken);
        }
        await stream.WriteAsync("\r\n"u8.ToArray(), cancellationToken);
        await stream.FlushAsync(cancellationToken);
        await ReadUntilTaggedAsync(tag, "APPEND " + mailbox, null, cancellationToken);
    }

    public static string Quote(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    private string NextTag() => "W" + (++tagCounter).ToString(CultureInfo.InvariantCulture);

    private async Task ReadUntilTaggedAsync(string tag, string command, Action<ImapResponse>? onUntagged, CancellationToken cancellationToken)
    {
        while (true)
        {
            var response = await ReadResponseAsync(cancellationToken);
            if (response.Text.StartsWith(tag + " ", StringComparison.Ordinal))
            {
                var status = response.Text[(tag.Length + 1)..];
                if (!status.StartsWith("OK", StringComparison.Ordinal))
                {
                    throw new IOException($"{command.Split(' ')[0]}: {status}");
                }
                return;
            }
            if (!response.Text.StartsWith('+'))
            {
                onUntagged?.Invoke(response);
            }
        }
    }

    private async Task<ImapResponse> ReadResponseAsync(CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        var literals = new List<byte[]>();
        while (true)
        {
            var line = await ReadLineAsync(cancellationToken);
            text.Append(line);
            var open = line.LastIndexOf('{');
            if (!line.EndsWith('}') || open < 0)
            {
                return new ImapResponse(text.ToString(), literals);
            }
            var length = int.Parse(line.AsSpan(open + 1, line.Length - open - 2).TrimEnd('+'), CultureInfo.InvariantCulture);
            var literal = new byte[length];
            await stream.ReadExactlyAsync(literal, cancellationToken);
            literals.Add(literal);
        }
    }

    private async Task<string> ReadLineAsync(CancellationToken cancellationToken)
    {
        var bytes = new List<byte>(128);
        var one = new byte[1];
        while (true)
        {
            if (await stream.ReadAsync(one.AsMemory(), cancellationToken) == 0)
            {
                throw new EndOfStreamException("the server closed the connection");
            }
            if (one[0] == '\n' && bytes.Count > 0 && bytes[^1] == '\r')
            {
                return Encoding.UTF8.GetString([.. bytes[..^1]]);
            }
            bytes.Add(one[0]);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await CommandAsync("LOGOUT", null, timeout.Token);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or SocketException)
        {
            // Logging out is a courtesy; the socket is closed either way.
        }
        await stream.DisposeAsync();
        tcp.Dispose();
    }
}

/// <summary>A message as fetched: exact bytes, its flags as IMAP text, its INTERNALDATE as the server wrote it.</summary>
internal sealed record WireMessage(byte[] Bytes, string Flags, string InternalDate);
