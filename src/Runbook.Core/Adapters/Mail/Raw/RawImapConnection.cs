using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using Runbook.Adapters.Mail.Connection;
using Runbook.Errors;
using Runbook.Plan.Model;

namespace Runbook.Adapters.Mail.Raw;

/// <summary>
/// A bare IMAP connection (TCP + TLS with the plan's rules) for commands whose bytes must not be re-serialised.
/// Any transport failure marks it <see cref="Broken"/> and surfaces as a retryable <see cref="StepFailedException"/>.
/// </summary>
internal sealed partial class RawImapConnection : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private readonly MailEndpoint _endpoint;
    private readonly byte[] _buffer = new byte[16 * 1024];
    private Stream _stream;
    private int _start;
    private int _end;
    private int _tags;

    private RawImapConnection(TcpClient tcp, Stream stream, MailEndpoint endpoint)
    {
        _tcp = tcp;
        _stream = stream;
        _endpoint = endpoint;
    }

    public MailEndpoint Endpoint => _endpoint;
    public IReadOnlySet<string> Capabilities { get; private set; } = new HashSet<string>();
    public bool Broken { get; private set; }

    public bool Has(string capability) => Capabilities.Contains(capability);

    /// <summary>A command could not be completed: the session must not be reused.</summary>
    public void MarkBroken()
    {
        Broken = true;
        _tcp.Client.Close();
    }

    public string NextTag() => $"R{++_tags:D4}";

    public Task WriteAsync(string ascii, CancellationToken cancellationToken) => WriteAsync(Encoding.ASCII.GetBytes(ascii), cancellationToken);

    public async Task WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken) =>
        await GuardAsync("sending", async token => { await _stream.WriteAsync(bytes, token); return true; }, cancellationToken);

    public async Task FlushAsync(CancellationToken cancellationToken) =>
        await GuardAsync("sending", async token => { await _stream.FlushAsync(token); return true; }, cancellationToken);

    /// <summary>Reads one response line; literals inside it ({n}) are read and replaced by a placeholder.</summary>
    public Task<string> ReadResponseLineAsync(CancellationToken cancellationToken) =>
        GuardAsync("waiting for the server's reply", async token =>
        {
            var line = await ReadLineAsync(token);
            while (LiteralLength(line) is { } length)
            {
                await SkipAsync(length, token);
                line = line[..line.LastIndexOf('{')] + "\"\"" + await ReadLineAsync(token);
            }
            return line;
        }, cancellationToken);

    /// <summary>Reads until the tagged reply, handing untagged lines to <paramref name="untagged"/>.</summary>
    public async Task<ImapTaggedResponse> ReadTaggedAsync(string tag, Action<string>? untagged, CancellationToken cancellationToken)
    {
        while (true)
        {
            var line = await ReadResponseLineAsync(cancellationToken);
            if (ImapTaggedResponse.Parse(line, tag) is { } response)
            {
                return response;
            }
            if (line.StartsWith("* BYE", StringComparison.OrdinalIgnoreCase))
            {
                Broken = true;
                throw new StepFailedException($"{_endpoint}: server closed the session ({line[2..]}): will reconnect and retry", retryable: true);
            }
            untagged?.Invoke(line);
        }
    }

    /// <summary>After a synchronising literal's "{n}": null when the server says "+ go ahead", else its tagged refusal.</summary>
    public async Task<ImapTaggedResponse?> WaitForContinuationAsync(string tag, CancellationToken cancellationToken)
    {
        while (true)
        {
            var line = await ReadResponseLineAsync(cancellationToken);
            if (line.StartsWith('+'))
            {
                return null;
            }
            if (ImapTaggedResponse.Parse(line, tag) is { } response)
            {
                return response;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!Broken)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                var tag = NextTag();
                await WriteAsync($"{tag} LOGOUT\r\n", timeout.Token);
                await FlushAsync(timeout.Token);
                await ReadTaggedAsync(tag, null, timeout.Token);
            }
            catch (Exception e) when (e is StepFailedException or OperationCanceledException)
            {
                // Leaving anyway.
            }
        }
        await _stream.DisposeAsync();
        _tcp.Dispose();
    }

    private async Task<T> GuardAsync<T>(string what, Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken)
    {
        if (Broken)
        {
            throw new StepFailedException($"{_endpoint}: the connection was lost earlier: reconnect first", retryable: true);
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_endpoint.CommandTimeout);
        try
        {
            return await operation(timeout.Token);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Cancelled mid-command: the stream is in an unknown state.
            Broken = true;
            throw;
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            Broken = true;
            var reason = e is OperationCanceledException ? $"no reply within {_endpoint.CommandTimeout.TotalSeconds:0} s" : "connection lost";
            throw new StepFailedException($"{_endpoint}: {reason} while {what}: will reconnect and retry", retryable: true, e);
        }
    }

    private static int? LiteralLength(string line)
    {
        if (!line.EndsWith('}'))
        {
            return null;
        }
        var open = line.LastIndexOf('{');
        var digits = line[(open + 1)..^1].TrimEnd('+');
        return open >= 0 && int.TryParse(digits, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : null;
    }
}
