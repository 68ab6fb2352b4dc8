using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Runbook.Errors;

namespace Runbook.Adapters.Mail.Raw;

/// <summary>
/// Read-only bulk reading for verify and the destination's read-back: EXAMINE, then one UID FETCH BODY.PEEK[] whose
/// literals are written straight from the socket buffer into a stream per message, so nothing is parsed, copied twice
/// or held whole in memory.
/// </summary>
internal sealed partial class RawImapConnection
{
    private static readonly Regex FetchUid = new(@"\bUID (\d+)", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    private static readonly Regex FetchSize = new(@"\bRFC822\.SIZE (\d+)", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    /// <summary>Opens the folder read-only (EXAMINE: no flag changes, \Recent untouched); the name as listed, decoded.</summary>
    public async Task ExamineAsync(string folder, CancellationToken cancellationToken)
    {
        var tag = NextTag();
        await WriteAsync($"{tag} EXAMINE {ImapSyntax.Mailbox(folder)}\r\n", cancellationToken);
        await FlushAsync(cancellationToken);
        var reply = await ReadTaggedAsync(tag, null, cancellationToken);
        if (reply.Status != ImapStatus.Ok)
        {
            throw new StepFailedException($"{Endpoint}: EXAMINE {folder} refused: {reply.Reason}", retryable: false);
        }
    }

    /// <summary>UID FETCH (UID RFC822.SIZE) of <paramref name="uids"/> in the examined folder: each size by UID; messages gone meanwhile are absent.</summary>
    public async Task<Dictionary<uint, long>> FetchSizesAsync(IReadOnlyList<uint> uids, CancellationToken cancellationToken)
    {
        var (untagged, reply) = await RunAsync($"UID FETCH {Set(uids)} (UID RFC822.SIZE)", cancellationToken);
        if (reply.Status != ImapStatus.Ok)
        {
            throw new StepFailedException($"{Endpoint}: UID FETCH refused: {reply.Reason}", retryable: false);
        }

        var sizes = new Dictionary<uint, long>();
        foreach (var line in untagged)
        {
            // A FETCH the server sends unasked (a flag change) names no size, and is passed over.
            if (FetchUid.Match(line) is { Success: true } uid && FetchSize.Match(line) is { Success: true } size)
            {
                sizes[uint.Parse(uid.Groups[1].Value, CultureInfo.InvariantCulture)] = long.Parse(size.Groups[1].Value, CultureInfo.InvariantCulture);
            }
        }
        return sizes;
    }

    /// <summary>
    /// UID FETCH (UID BODY.PEEK[]) of <paramref name="uids"/> in the examined folder; each body goes to the stream
    /// <paramref name="open"/> returns for its UID, which is disposed once written. Messages gone meanwhile are simply absent.
    /// </summary>
    public async Task FetchBodiesAsync(IReadOnlyList<uint> uids, Func<uint, Stream> open, CancellationToken cancellationToken)
    {
        var tag = NextTag();
        await WriteAsync($"{tag} UID FETCH {Set(uids)} (UID BODY.PEEK[])\r\n", cancellationToken);
        await FlushAsync(cancellationToken);
        while (true)
        {
            var line = await _channel.GuardAsync("reading message bodies", token => _channel.ReadLineAsync(token), cancellationToken);
            if (ImapTaggedResponse.Parse(line, tag) is { } reply)
            {
                if (reply.Status != ImapStatus.Ok)
                {
                    throw new StepFailedException($"{Endpoint}: UID FETCH refused: {reply.Reason}", retryable: false);
                }

                return;
            }

            while (LiteralLength(line) is { } length)
            {
                var uid = FetchUid.Match(line) is { Success: true } m ? uint.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : (uint?)null;
                // Dovecot names the UID first, as asked; a server that names it after the body gets it buffered once.
                var buffered = uid is null ? new MemoryStream() : null;
                var target = buffered ?? open(uid!.Value);
                await using (target == buffered ? null : target)
                {
                    await CopyLiteralAsync(length, target, cancellationToken);
                }

                line = line[..line.LastIndexOf('{')] + "\"\"" + await _channel.GuardAsync("reading message bodies", token => _channel.ReadLineAsync(token), cancellationToken);
                if (buffered is not null && FetchUid.Match(line) is { Success: true } late)
                {
                    await using var destination = open(uint.Parse(late.Groups[1].Value, CultureInfo.InvariantCulture));
                    buffered.Position = 0;
                    await buffered.CopyToAsync(destination, cancellationToken);
                }
            }
        }
    }

    private Task CopyLiteralAsync(int length, Stream target, CancellationToken cancellationToken) =>
        _channel.GuardAsync("reading message bodies", async token =>
        {
            var left = length;
            while (left > 0)
            {
                var available = await _channel.PeekAsync(token);
                var take = Math.Min(left, available.Length);
                await target.WriteAsync(available[..take], token);
                _channel.Consume(take);
                left -= take;
            }

            return left;
        }, cancellationToken);

    /// <summary>A UID set with runs collapsed ("3:7,9,12:14"): the command stays short for thousands of messages.</summary>
    internal static string Set(IReadOnlyList<uint> uids)
    {
        var sorted = uids.Distinct().Order().ToList();
        var text = new StringBuilder();
        for (var i = 0; i < sorted.Count; i++)
        {
            var start = sorted[i];
            while (i + 1 < sorted.Count && sorted[i + 1] == sorted[i] + 1)
            {
                i++;
            }

            text.Append(text.Length == 0 ? "" : ",").Append(start.ToString(CultureInfo.InvariantCulture));
            if (sorted[i] != start)
            {
                text.Append(':').Append(sorted[i].ToString(CultureInfo.InvariantCulture));
            }
        }

        return text.ToString();
    }
}
