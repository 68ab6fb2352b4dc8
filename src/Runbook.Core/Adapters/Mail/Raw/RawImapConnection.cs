using Runbook.Errors;

namespace Runbook.Adapters.Mail.Raw;

/// <summary>
/// A bare IMAP session over a <see cref="RawChannel"/>, for commands whose bytes must not be re-serialised (APPEND).
/// Transport failures surface as a retryable <see cref="StepFailedException"/> and leave it <see cref="Broken"/>.
/// </summary>
internal sealed partial class RawImapConnection : IAsyncDisposable
{
    private readonly RawChannel _channel;
    private int _tags;

    private RawImapConnection(RawChannel channel) => _channel = channel;

    public MailEndpoint Endpoint => _channel.Endpoint;
    public IReadOnlySet<string> Capabilities { get; private set; } = new HashSet<string>();
    public bool Broken => _channel.Broken;

    public bool Has(string capability) => Capabilities.Contains(capability);

    public void MarkBroken() => _channel.MarkBroken();

    public string NextTag() => $"R{++_tags:D4}";

    public Task WriteAsync(string ascii, CancellationToken cancellationToken) => _channel.WriteAsync(ascii, cancellationToken);

    public Task WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken) => _channel.WriteAsync(bytes, cancellationToken);

    public Task FlushAsync(CancellationToken cancellationToken) => _channel.FlushAsync(cancellationToken);

    /// <summary>Reads one response line; literals inside it ({n}) are skipped and replaced by an empty string.</summary>
    public Task<string> ReadResponseLineAsync(CancellationToken cancellationToken) =>
        _channel.GuardAsync("waiting for the server's reply", async token =>
        {
            var line = await _channel.ReadLineAsync(token);
            while (LiteralLength(line) is { } length)
            {
                await _channel.SkipAsync(length, token);
                line = line[..line.LastIndexOf('{')] + "\"\"" + await _channel.ReadLineAsync(token);
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
                _channel.MarkBroken();
                throw new StepFailedException($"{Endpoint}: server closed the session ({line[2..]})", retryable: true);
            }
            untagged?.Invoke(line);
        }
    }

    /// <summary>One command: its untagged replies (literals read as "", see <see cref="ReadResponseLineAsync"/>) and its tagged reply.</summary>
    public async Task<(List<string> Untagged, ImapTaggedResponse Reply)> RunAsync(string command, CancellationToken cancellationToken)
    {
        var untagged = new List<string>();
        var tag = NextTag();
        await WriteAsync($"{tag} {command}\r\n", cancellationToken);
        await FlushAsync(cancellationToken);
        return (untagged, await ReadTaggedAsync(tag, untagged.Add, cancellationToken));
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
        await _channel.DisposeAsync();
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
