using System.Net;
using System.Net.Sockets;

namespace Runbook.Tests.Support;

public sealed class FaultProxyTests
{
    [Fact]
    public async Task Given_a_cut_after_n_bytes_When_the_client_sends_more_Then_only_n_arrive_and_the_client_sees_the_drop()
    {
        using var target = new TcpListener(IPAddress.Loopback, 0);
        target.Start();
        await using var proxy = new FaultProxy(((IPEndPoint)target.LocalEndpoint).Port);
        proxy.CutClientAfter(5);
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, proxy.Port);
        using var accepted = await target.AcceptTcpClientAsync();

        await client.GetStream().WriteAsync("0123456789"u8.ToArray());
        var received = new MemoryStream();
        var buffer = new byte[64];
        int read;
        while ((read = await accepted.GetStream().ReadAsync(buffer)) > 0)
        {
            received.Write(buffer, 0, read);
        }

        Assert.Equal("01234"u8.ToArray(), received.ToArray());
        Assert.Equal(1, proxy.Cuts);
        var reply = await ReadOrFailAsync(client.GetStream());
        Assert.Equal(0, reply);
    }

    private static async Task<int> ReadOrFailAsync(NetworkStream stream)
    {
        try
        {
            return await stream.ReadAsync(new byte[1]);
        }
        catch (IOException)
        {
            return 0;
        }
    }
}
