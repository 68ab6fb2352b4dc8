using System.Text;
using MailKit;

namespace Runbook.Adapters.Mail.Connection;

/// <summary>
/// A MailKit protocol logger that keeps only the server's last reply line, so a refused login can be told apart by
/// its response code (<c>NO [UNAVAILABLE]</c>), which MailKit leaves out of its AuthenticationException. Client lines
/// (where the password travels) are never looked at. Give it to the client's constructor: <c>new ImapClient(new ServerReplyRecorder())</c>.
/// </summary>
internal sealed class ServerReplyRecorder : IProtocolLogger
{
    private const int MaxLine = 1024;
    private readonly StringBuilder _current = new();
    private string? _last;
    private bool _stopped;

    public IAuthenticationSecretDetector? AuthenticationSecretDetector { get; set; }

    /// <summary>The last complete reply without its tag and status word: "[UNAVAILABLE] try later" for "A3 NO [UNAVAILABLE] try later".</summary>
    public string? LastReplyText => _last is null ? null : WithoutTagAndStatus(_last);

    public void LogConnect(Uri uri)
    {
    }

    public void LogClient(byte[] buffer, int offset, int count)
    {
    }

    /// <summary>Stops looking at replies (after the login), so message data does not pass through it.</summary>
    public void Stop() => _stopped = true;

    public void LogServer(byte[] buffer, int offset, int count)
    {
        if (_stopped)
        {
            return;
        }

        foreach (var b in buffer.AsSpan(offset, count))
        {
            if (b == '\n')
            {
                _last = _current.ToString().TrimEnd('\r');
                _current.Clear();
            }
            else if (_current.Length < MaxLine)
            {
                _current.Append((char)b);
            }
        }
    }

    public void Dispose()
    {
    }

    /// <summary>"-ERR text" → "text"; "tag NO text" → "text"; anything else as it is.</summary>
    public static string WithoutTagAndStatus(string line)
    {
        var words = line.Split(' ', 3);
        if (words[0] is "-ERR" or "+OK" or "-err" or "+ok")
        {
            return line[words[0].Length..].Trim();
        }

        return words.Length == 3 && words[1].ToUpperInvariant() is "OK" or "NO" or "BAD" ? words[2].Trim() : line;
    }
}
