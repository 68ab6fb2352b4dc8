using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using Runbook.Adapters.Mail.Connection;
using Runbook.Errors;
using Runbook.Plan.Model;

namespace Runbook.Adapters.Mail.Raw;

/// <summary>
/// A TCP connection with the plan's TLS rules and buffered line reading, shared by the raw IMAP and POP3 clients.
/// Any transport failure marks it <see cref="Broken"/> and surfaces as a retryable <see cref="StepFailedException"/>.
/// </summary>
internal sealed partial class RawChannel : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private Stream _stream;
    private int _start;
    private int _end;

    private RawChannel(TcpClient tcp, Stream stream, MailEndpoint endpoint)
    {
        _tcp = tcp;
        _stream = stream;
        Endpoint = endpoint;
    }

    public MailEndpoint Endpoint { get; }
    public bool Broken { get; private set; }

    /// <summary>Connects TCP, and TLS at once when the plan says security: tls. Raw socket/TLS exceptions are left to the caller to map.</summary>
    public static async Task<RawChannel> ConnectAsync(MailEndpoint endpoint, CertificatePolicy policy, CancellationToken cancellationToken)
    {
        var tcp = new TcpClient { NoDelay = true };
        try
        {
            await tcp.ConnectAsync(endpoint.Endpoint.Host, endpoint.Endpoint.Port, cancellationToken);
            Stream stream = tcp.GetStream();
            if (endpoint.Endpoint.Security == TransportSecurity.Tls)
            {
                stream = await TlsAsync(stream, endpoint, policy, cancellationToken);
            }
            return new RawChannel(tcp, stream, endpoint);
        }
        catch
        {
            tcp.Dispose();
            throw;
        }
    }

    /// <summary>STARTTLS/STLS: the server said go ahead; anything buffered before is discarded.</summary>
    public async Task UpgradeToTlsAsync(CertificatePolicy policy, CancellationToken cancellationToken)
    {
        _stream = await TlsAsync(_stream, Endpoint, policy, cancellationToken);
        _start = _end = 0;
    }

    /// <summary>A command could not be completed: the session must not be reused.</summary>
    public void MarkBroken()
    {
        Broken = true;
        _tcp.Client.Close();
    }

    public Task WriteAsync(string ascii, CancellationToken cancellationToken) => WriteAsync(Encoding.ASCII.GetBytes(ascii), cancellationToken);

    public Task WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken) =>
        GuardAsync("sending", async token => { await _stream.WriteAsync(bytes, token); return true; }, cancellationToken);

    public Task FlushAsync(CancellationToken cancellationToken) =>
        GuardAsync("sending", async token => { await _stream.FlushAsync(token); return true; }, cancellationToken);

    /// <summary>Runs a transport operation with the command timeout; failures break the channel and become retryable.</summary>
    public async Task<T> GuardAsync<T>(string what, Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken)
    {
        if (Broken)
        {
            throw new StepFailedException($"{Endpoint}: the connection was lost earlier: reconnect first", retryable: true);
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Endpoint.CommandTimeout);
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
            var reason = e is OperationCanceledException ? $"no reply within {Endpoint.CommandTimeout.TotalSeconds:0} s" : "connection lost";
            throw new StepFailedException($"{Endpoint}: {reason} while {what}", retryable: true, e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Broken = true;
        await _stream.DisposeAsync();
        _tcp.Dispose();
    }

    private static async Task<Stream> TlsAsync(Stream inner, MailEndpoint endpoint, CertificatePolicy policy, CancellationToken cancellationToken)
    {
        var ssl = new SslStream(inner, leaveInnerStreamOpen: false);
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = endpoint.Endpoint.Host,
            RemoteCertificateValidationCallback = policy.Validate,
        }, cancellationToken);
        return ssl;
    }
}
