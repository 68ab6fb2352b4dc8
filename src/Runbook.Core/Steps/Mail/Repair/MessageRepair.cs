using System.Text;
using MimeKit;
using Runbook.Adapters.Mail;

namespace Runbook.Steps.Mail.Repair;

/// <summary>The repairs a plan may ask for (<c>repair: [headers_8bit, bare_newlines, nul]</c>).</summary>
[Flags]
internal enum RepairKinds
{
    None = 0,
    Headers8Bit = 1,
    BareNewlines = 2,
    Nul = 4,
}

/// <summary>
/// Rewrites a message so a strict server stores it as sent: raw 8-bit header text becomes RFC 2047 encoded-words,
/// a lone CR or LF becomes CRLF, NUL bytes go. Only what a repair names is touched, and every change is described.
/// </summary>
internal static class MessageRepair
{
    public static RepairKinds Parse(IEnumerable<string> names) => names.Aggregate(RepairKinds.None, (all, name) => all | name switch
    {
        "headers_8bit" => RepairKinds.Headers8Bit,
        "bare_newlines" => RepairKinds.BareNewlines,
        "nul" => RepairKinds.Nul,
        _ => RepairKinds.None,
    });

    /// <summary>True when <paramref name="risks"/> hold something <paramref name="kinds"/> repairs.</summary>
    public static bool Needed(ContentRisk risks, RepairKinds kinds) =>
        (kinds.HasFlag(RepairKinds.Headers8Bit) && risks.HasFlag(ContentRisk.EightBitHeader))
        || (kinds.HasFlag(RepairKinds.BareNewlines) && risks.HasFlag(ContentRisk.BareCrOrLf))
        || (kinds.HasFlag(RepairKinds.Nul) && risks.HasFlag(ContentRisk.Nul));

    /// <summary>The repaired bytes and what changed (empty when nothing did).</summary>
    public static (byte[] Bytes, IReadOnlyList<string> Changes) Apply(byte[] original, RepairKinds kinds)
    {
        var changes = new List<string>();
        var bytes = original;
        if (kinds.HasFlag(RepairKinds.Nul))
        {
            var removed = bytes.Count(b => b == 0);
            if (removed > 0)
            {
                bytes = [.. bytes.Where(b => b != 0)];
                changes.Add($"{removed} NUL byte(s) removed");
            }
        }

        if (kinds.HasFlag(RepairKinds.BareNewlines))
        {
            (bytes, var fixedEnds) = Crlf(bytes);
            if (fixedEnds > 0)
            {
                changes.Add($"{fixedEnds} bare CR or LF made CRLF");
            }
        }

        if (kinds.HasFlag(RepairKinds.Headers8Bit))
        {
            bytes = HeaderEncoding.Encode(bytes, changes);
        }

        return (bytes, changes);
    }

    private static (byte[] Bytes, int Fixed) Crlf(byte[] bytes)
    {
        var result = new List<byte>(bytes.Length + 16);
        var count = 0;
        for (var i = 0; i < bytes.Length; i++)
        {
            var b = bytes[i];
            if (b == (byte)'\r' && (i + 1 >= bytes.Length || bytes[i + 1] != (byte)'\n'))
            {
                result.AddRange("\r\n"u8);
                count++;
            }
            else if (b == (byte)'\n' && (i == 0 || bytes[i - 1] != (byte)'\r'))
            {
                result.AddRange("\r\n"u8);
                count++;
            }
            else
            {
                result.Add(b);
            }
        }

        return (count == 0 ? bytes : [.. result], count);
    }
}
