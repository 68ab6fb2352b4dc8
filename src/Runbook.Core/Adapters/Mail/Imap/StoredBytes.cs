using System.Security.Cryptography;

namespace Runbook.Adapters.Mail.Imap;

/// <summary>Reads a stored message once: its SHA-256, and its bytes when small enough to show what changed.</summary>
internal static class StoredBytes
{
    /// <summary>Bytes kept to describe a difference; larger messages are only hashed.</summary>
    public const int KeepLimit = 256 * 1024;

    public static async Task<StoredMessage> ReadAsync(uint uid, Stream stream, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var kept = new MemoryStream();
        var buffer = new byte[81920];
        long size = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            if (size + read <= KeepLimit)
            {
                kept.Write(buffer, 0, read);
            }

            size += read;
        }

        return new StoredMessage(uid, size, hash.GetHashAndReset(), size <= KeepLimit ? kept.ToArray() : null);
    }
}
