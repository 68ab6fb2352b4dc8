using System.Net;
using System.Net.Sockets;
using System.Text;
using Runbook.Adapters.Mail;
using Runbook.Plan.Model;

namespace Runbook.Tests.Support;

/// <summary>A command as the fake server received it: text with literals shown as {n}, and the literals' exact bytes.</summary>
internal sealed record ReceivedCommand(string Tag, string Text, IReadOnlyList<byte[]> Literals)
{
    public string Verb => Text.Split(' ')[0].ToUpperInvariant();
}

/// <summary>
/// A hand-written IMAP server for plain-text connections (each served by the same script: an IMAP destination opens
/// two, MailKit's and the raw appender's): greets, reads commands (LITERAL+ and synchronising literals) and answers with
/// the lines <c>respond</c> returns ("TAG" is replaced by the command's tag).
/// </summary>
internal sealed class ScriptedImapServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<ReceivedCommand, IEnumerable<string>> _respond;
    private readonly Task _serving;
    private readonly List<(TcpClient Client, Task Serving)> _connections = [];

    public ScriptedImapServer(string capabilities, Func<ReceivedCommand, IEnumerable<string>> respond)
    {
        Capabilities = capabilities;
        _respond = respond;
        _listener.Start();
        _serving = Task.Run(ServeAsync);
    }

    public string Capabilities { get; }
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>This server as an adapter sees it: loopback, its port, plain text unless <paramref name="security"/> says otherwise.</summary>
    public MailEndpoint Endpoint(string name, TransportSecurity security = TransportSecurity.None) =>
        new(name, new Runbook.Plan.Model.Endpoint { Host = "127.0.0.1", Port = Port, Security = security });
    /// <summary>Every command of every connection, in arrival order (lock it while connections are open).</summary>
    public List<ReceivedCommand> Received { get; } = [];

    /// <summary>The text of every command with this verb ("STATUS", "CREATE"), in arrival order.</summary>
    public List<string> Commands(string verb)
    {
        lock (Received)
        {
            return [.. Received.Where(c => c.Verb == verb).Select(c => c.Text)];
        }
    }

    public bool RefuseLogin { get; init; }

    /// <summary>When set, the answer to LOGIN/AUTHENTICATE ("TAG NO [UNAVAILABLE] try later"), instead of OK or the refusal.</summary>
    public string? LoginReply { get; init; }

    /// <summary>When set, the greeting and the login's OK name the capabilities ("[CAPABILITY ...]"), as Dovecot's do.</summary>
    public bool NamesCapabilities { get; init; }

    /// <summary>When set, the server closes the connection once a command has received this many literal bytes.</summary>
    public int? CloseAfterLiteralBytes { get; init; }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        List<(TcpClient Client, Task Serving)> connections;
        lock (_connections) connections = [.. _connections];
        await QuietlyAsync(_serving);
        foreach (var (client, serving) in connections)
        {
            client.Dispose();
            await QuietlyAsync(serving);
        }
    }

    private static async Task QuietlyAsync(Task serving)
    {
        try
        {
            await serving;
        }
        catch (Exception e) when (e is SocketException or IOException or ObjectDisposedException)
        {
            // The client went away; the test already has what it needs.
        }
    }

    private async Task ServeAsync()
    {
        while (true)
        {
            var client = await _listener.AcceptTcpClientAsync();
            lock (_connections) _connections.Add((client, Task.Run(() => ServeOneAsync(client))));
        }
    }

    private async Task ServeOneAsync(TcpClient client)
    {
        // Returning closes the connection (after LOGOUT, or to cut it mid-literal).
        using var owned = client;
        var stream = client.GetStream();
        var reader = new ByteReader(stream);
        await Send(stream, NamesCapabilities ? $"* OK [CAPABILITY {Capabilities}] fake ready" : "* OK fake ready");
        while (await reader.ReadLineAsync() is { } first)
        {
            var (tag, rest) = Split(first);
            var text = new StringBuilder();
            var literals = new List<byte[]>();
            var line = rest;
            while (true)
            {
                var open = line.LastIndexOf('{');
                if (!line.EndsWith('}') || open < 0)
                {
                    text.Append(line);
                    break;
                }
                var spec = line[(open + 1)..^1];
                var size = int.Parse(spec.TrimEnd('+'), System.Globalization.CultureInfo.InvariantCulture);
                text.Append(line[..open]).Append('{').Append(size).Append('}');
                if (!spec.EndsWith('+'))
                {
                    await Send(stream, "+ go ahead");
                }
                if (CloseAfterLiteralBytes is { } cut && size >= cut)
                {
                    await reader.ReadBytesAsync(cut);
                    return;
                }
                literals.Add(await reader.ReadBytesAsync(size));
                line = await reader.ReadLineAsync() ?? "";
            }
            var command = new ReceivedCommand(tag, text.ToString(), literals);
            lock (Received) Received.Add(command);
            foreach (var reply in Defaults(command) ?? _respond(command))
            {
                await Send(stream, reply.Replace("TAG", tag, StringComparison.Ordinal));
            }
            if (command.Verb == "LOGOUT")
            {
                return;
            }
        }
    }

    private IEnumerable<string>? Defaults(ReceivedCommand command) => command.Verb switch
    {
        "CAPABILITY" => [$"* CAPABILITY {Capabilities}", "TAG OK done"],
        "AUTHENTICATE" or "LOGIN" => [LoginReply ?? (RefuseLogin ? "TAG NO [AUTHENTICATIONFAILED] Authentication failed." : NamesCapabilities ? $"TAG OK [CAPABILITY {Capabilities}] logged in" : "TAG OK logged in")],
        "LOGOUT" => ["* BYE bye", "TAG OK bye"],
        _ => null,
    };

    private static (string Tag, string Remainder) Split(string line)
    {
        var space = line.IndexOf(' ', StringComparison.Ordinal);
        return (line[..space], line[(space + 1)..]);
    }

    private static async Task Send(Stream stream, string line)
    {
        await stream.WriteAsync(Encoding.UTF8.GetBytes(line + "\r\n"));
        await stream.FlushAsync();
    }

    private sealed class ByteReader(Stream stream)
    {
        public async Task<string?> ReadLineAsync()
        {
            var bytes = new List<byte>();
            var one = new byte[1];
            while (await stream.ReadAsync(one) == 1)
            {
                if (one[0] == '\n')
                {
                    return Encoding.UTF8.GetString([.. bytes]).TrimEnd('\r');
                }
                bytes.Add(one[0]);
            }
            return null;
        }

        public async Task<byte[]> ReadBytesAsync(int count)
        {
            var buffer = new byte[count];
            await stream.ReadExactlyAsync(buffer);
            return buffer;
        }
    }
}
