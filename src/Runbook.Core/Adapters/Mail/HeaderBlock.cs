using MimeKit;

namespace Runbook.Adapters.Mail;

/// <summary>Splits a raw header block into fields (with their continuation lines) and parses each on its own.</summary>
internal static class HeaderBlock
{
    public static HeaderList Parse(ReadOnlySpan<byte> block)
    {
        var headers = new HeaderList();
        var fieldStart = -1;
        var position = 0;
        while (position < block.Length)
        {
            var newline = block[position..].IndexOf((byte)'\n');
            var lineEnd = newline < 0 ? block.Length : position + newline + 1;
            var line = block[position..lineEnd];
            if (IsBlank(line))
            {
                break;
            }
            if (line[0] is not ((byte)' ' or (byte)'\t'))
            {
                Add(headers, block, fieldStart, position);
                fieldStart = position;
            }
            position = lineEnd;
        }
        Add(headers, block, fieldStart, position);
        return headers;
    }

    /// <summary>Where the header fields end: the start of the first empty line, or the end when there is none (headers only).</summary>
    public static int FieldsEnd(ReadOnlySpan<byte> block)
    {
        var position = 0;
        while (position < block.Length)
        {
            var newline = block[position..].IndexOf((byte)'\n');
            var lineEnd = newline < 0 ? block.Length : position + newline + 1;
            if (IsBlank(block[position..lineEnd]))
            {
                return position;
            }
            position = lineEnd;
        }
        return block.Length;
    }

    /// <summary>Where the header block ends: after the first empty line, or at the end when there is none (headers only).</summary>
    public static int End(ReadOnlySpan<byte> block)
    {
        var position = 0;
        while (position < block.Length)
        {
            var newline = block[position..].IndexOf((byte)'\n');
            var lineEnd = newline < 0 ? block.Length : position + newline + 1;
            if (IsBlank(block[position..lineEnd]))
            {
                return position == 0 ? 0 : lineEnd;
            }
            position = lineEnd;
        }
        return block.Length;
    }

    private static void Add(HeaderList headers, ReadOnlySpan<byte> block, int start, int end)
    {
        if (start < 0 || end <= start)
        {
            return;
        }
        var field = block[start..end].ToArray();
        if (Header.TryParse(field, out var header))
        {
            headers.Add(header);
        }
    }

    private static bool IsBlank(ReadOnlySpan<byte> line) => line.Length == 0 || line is [(byte)'\n'] || line is [(byte)'\r', (byte)'\n'];
}
