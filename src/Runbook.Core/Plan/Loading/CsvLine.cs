namespace Runbook.Plan.Loading;

/// <summary>One field of a CSV line and the 1-based column where it starts.</summary>
internal readonly record struct CsvField(string Text, int Column);

/// <summary>Splits one CSV line (RFC 4180 quoting, no line breaks inside quotes), keeping each field's column.</summary>
internal static class CsvLine
{
    /// <summary>The fields, or an error message with the column it applies to.</summary>
    public static (List<CsvField> Fields, string? Error, int ErrorColumn) Split(string line)
    {
        var fields = new List<CsvField>();
        var i = 0;
        while (true)
        {
            var start = i;
            string text;
            if (i < line.Length && line[i] == '"')
            {
                var buffer = new System.Text.StringBuilder();
                i++;
                while (true)
                {
                    if (i >= line.Length) return (fields, "unterminated quoted field (a closing \" is missing)", start + 1);
                    if (line[i] == '"')
                    {
                        if (i + 1 < line.Length && line[i + 1] == '"') { buffer.Append('"'); i += 2; continue; }
                        i++;
                        break;
                    }
                    buffer.Append(line[i++]);
                }
                if (i < line.Length && line[i] != ',') return (fields, "unexpected text after a quoted field", i + 1);
                text = buffer.ToString();
            }
            else
            {
                var comma = line.IndexOf(',', i);
                var end = comma < 0 ? line.Length : comma;
                text = line[i..end].Trim();
                i = end;
            }
            fields.Add(new CsvField(text, start + 1));
            if (i >= line.Length) return (fields, null, 0);
            i++; // the comma
        }
    }
}
