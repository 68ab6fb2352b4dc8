using System.Security.Cryptography;

namespace Runbook.Lab.Corpus;

/// <summary>
/// The bytes Dovecot serves for a Maildir file: it turns bare LF into CRLF and NUL into 0x80 (checked against
/// Dovecot 2.3 here); a missing final newline, a lone CR, a BOM and a leading "From " line are served as stored.
/// </summary>
internal static class ServedBytes
{
    public static byte[] From(byte[] stored)
    {
        var served = new List<byte>(stored.Length + (stored.Length / 32));
        for (var i = 0; i < stored.Length; i++)
        {
            var b = stored[i];
            if (b == (byte)'\n' && (i == 0 || stored[i - 1] != (byte)'\r'))
            {
                served.Add((byte)'\r');
            }
            served.Add(b == 0 ? (byte)0x80 : b);
        }
        return [.. served];
    }

    public static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
