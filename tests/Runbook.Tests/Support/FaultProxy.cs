using System.Net;
using System.Net.Sockets;

namespace Runbook.Tests.Support;

/// <summary>
/// A TCP proxy on 127.0.0.1 for fault injection: forwards to a target port and, when armed, cuts the connection
/// (both sides) once its client has sent a given number of bytes, or when its client sends a given text (a command).
/// </summary>
internal sealed class FaultProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _sessions = [];
    private readonly Task _accepting;
    private long _cutAfter = long.MaxValue;
    private int _cuts;
    private int _connections;
    private string? _cutOnText;
    private int _textCutsLeft;

    public FaultProxy(int targetPort)
    {
        _targetPort = targetPort;
        _listener.Start();
        _accepting = Task.Run(AcceptAsync);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>How many connections were cut so far.</summary>
    public int Cuts => _cuts;

    /// <summary>How many connections clients opened through the proxy so far.</summary>
    public int Connections => _connections;

    /// <summary>Cuts any connection (live or future) once its client has sent <paramref name="bytes"/> bytes in total.</summary>
    public void CutClientAfter(long bytes) => Interlocked.Exchange(ref _cutAfter, bytes);

    /// <summary>
    /// Cuts the next <paramref name="times"/> connections whose client sends <paramref name="text"/> (e.g. " LIST "),
    /// before the server sees it; connections after that are left alone.
    /// </summary>
    public void CutWhenClientSends(string text, int times = 1)
    {
        _cutOnText = text;
        Interlocked.Exchange(ref _textCutsLeft, times);
    }

    public void Heal()
    {
        Interlocked.Exchange(ref _cutAfter, long.MaxValue);
        Interlocked.Exchange(ref _textCutsLeft, 0);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await Task.WhenAll([.. _sessions, _accepting]).ContinueWith(_ => { }, TaskScheduler.Default);
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            Interlocked.Increment(ref _connections);
            lock (_sessions)
            {
                _sessions.Add(Task.Run(() => ForwardAsync(client)));
            }
        }
    }

    private async Task ForwardAsync(TcpClient client)
    {
        using (client)
        using (var server = new TcpClient())
        {
            try
            {
                await server.ConnectAsync(IPAddress.Loopback, _targetPort, _stop.Token);
                using var session = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                var upstream = PumpAsync(client.GetStream(), server.GetStream(), countClientBytes: true, session.Token);
                var downstream = PumpAsync(server.GetStream(), client.GetStream(), countClientBytes: false, session.Token);
                await Task.WhenAny(upstream, downstream);
                await session.CancelAsync();
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or IOException)
            {
                // The session ends; disposing both sockets closes the other side.
            }
            // Reset (not FIN) so the cut looks like a dropped network, as in the field.
            client.Client.LingerState = new LingerOption(true, 0);
        }
    }

    private async Task PumpAsync(NetworkStream from, NetworkStream to, bool countClientBytes, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        var sent = 0L;
        try
        {
            while (true)
            {
                var read = await from.ReadAsync(buffer, cancellationToken);
                if (read == 0)
                {
                    return;
                }
                if (countClientBytes && CutsOnText(buffer.AsSpan(0, read)))
                {
                    Interlocked.Increment(ref _cuts);
                    return;
                }

                var allowed = countClientBytes ? Interlocked.Read(ref _cutAfter) - sent : long.MaxValue;
                if (allowed < read)
                {
                    await to.WriteAsync(buffer.AsMemory(0, (int)Math.Max(0, allowed)), cancellationToken);
                    Interlocked.Increment(ref _cuts);
                    return;
                }
                await to.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                sent += read;
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException)
        {
            // Either side went away.
        }
    }

    private bool CutsOnText(ReadOnlySpan<byte> chunk)
    {
        if (_cutOnText is not { } text || Volatile.Read(ref _textCutsLeft) <= 0
            || !System.Text.Encoding.Latin1.GetString(chunk).Contains(text, StringComparison.Ordinal))
        {
            return false;
        }

        return Interlocked.Decrement(ref _textCutsLeft) >= 0;
    }
}
