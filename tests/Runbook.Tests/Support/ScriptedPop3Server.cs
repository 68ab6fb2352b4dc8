using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Runbook.Tests.Support;

/// <summary>
/// A hand-written POP3 server for one plain-text connection over a fixed mailbox. CAPA answers with
/// <see cref="Capabilities"/> (or <c>-ERR</c> when null, as servers older than RFC 2449 do); <see cref="Reply"/> may
/// replace any answer (return null to keep the default). Records every command, and whether the client sent one
/// before the previous answer went out (pipelined).
/// </summary>
internal sealed class ScriptedPop3Server : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IReadOnlyList<byte[]> _messages;
    private readonly Task _serving;

    public ScriptedPop3Server(IReadOnlyList<byte[]> messages, string[]? capabilities)
    {
        _messages = messages;
        Capabilities = capabilities;
        _listener.Start();
        _serving = Task.Run(ServeAsync);
    }

    public string[]? Capabilities { get; }
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;
    public List<string> Received { get; } = [];

    /// <summary>True once a command was already waiting when the server finished reading the one before it.</summary>
    public bool ClientSentAhead { get; private set; }

    public Func<string, string?> Reply { get; init; } = _ => null;

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        try
        {
            await _serving;
        }
        catch (Exception e) when (e is SocketException or IOException or ObjectDisposedException)
        {
            // The client went away; the test already has what it needs.
        }
    }

    private async Task ServeAsync()
    {
        using var client = await _listener.AcceptTcpClientAsync();
        var stream = client.GetStream();
        await SendAsync(stream, "+OK fake pop3 ready\r\n");
        while (await ReadLineAsync(stream) is { } command)
        {
            Received.Add(command);
            // The client waits for each answer unless it pipelines: then the next command is already here.
            ClientSentAhead |= stream.DataAvailable;
            await SendAsync(stream, Reply(command) ?? Answer(command));
            if (command.Equals("QUIT", StringComparison.OrdinalIgnoreCase))
            {
                return;
            }
        }
    }

    private string Answer(string command)
    {
        var words = command.Split(' ');
        var verb = words[0].ToUpperInvariant();
        int Number(int i) => int.Parse(words[i], System.Globalization.CultureInfo.InvariantCulture);
        return verb switch
        {
            "CAPA" when Capabilities is null => "-ERR unknown command\r\n",
            "CAPA" => "+OK\r\n" + string.Concat(Capabilities.Select(c => c + "\r\n")) + ".\r\n",
            "USER" or "PASS" or "QUIT" => "+OK\r\n",
            "STAT" => $"+OK {_messages.Count} {_messages.Sum(m => m.Length)}\r\n",
            "LIST" => "+OK\r\n" + string.Concat(_messages.Select((m, i) => $"{i + 1} {m.Length}\r\n")) + ".\r\n",
            "UIDL" => "+OK\r\n" + string.Concat(_messages.Select((_, i) => $"{i + 1} uid-{i + 1}\r\n")) + ".\r\n",
            "RETR" => "+OK\r\n" + Stuffed(_messages[Number(1) - 1]) + ".\r\n",
            "TOP" when Capabilities?.Contains("TOP") == true => "+OK\r\n" + Stuffed(Head(_messages[Number(1) - 1])) + ".\r\n",
            _ => "-ERR unknown command\r\n",
        };
    }

    /// <summary>The header block and the empty line after it, as TOP n 0 returns it.</summary>
    public static byte[] Head(byte[] message)
    {
        var text = Encoding.Latin1.GetString(message);
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        return Encoding.Latin1.GetBytes(end < 0 ? text : text[..(end + 4)]);
    }

    private static string Stuffed(byte[] message)
    {
        var text = Encoding.Latin1.GetString(message);
        var lines = text.Split("\r\n");
        var body = string.Join("\r\n", lines.Select(l => l.StartsWith('.') ? "." + l : l));
        return body.EndsWith("\r\n", StringComparison.Ordinal) ? body : body + "\r\n";
    }

    private static async Task SendAsync(Stream stream, string text)
    {
        await stream.WriteAsync(Encoding.Latin1.GetBytes(text));
        await stream.FlushAsync();
    }

    private static async Task<string?> ReadLineAsync(NetworkStream stream)
    {
        var bytes = new List<byte>();
        var one = new byte[1];
        while (await stream.ReadAsync(one) == 1)
        {
            if (one[0] == '\n')
            {
                return Encoding.ASCII.GetString([.. bytes]).TrimEnd('\r');
            }

            bytes.Add(one[0]);
        }

        return null;
    }
}
