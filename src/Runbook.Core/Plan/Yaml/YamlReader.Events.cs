using Runbook.Plan.Model;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Runbook.Plan.Yaml;

internal sealed partial class YamlReader
{
    // The parser's Current is the next unconsumed event (YamlDotNet's own convention for Consume/Accept).
    private ParsingEvent Next()
    {
        if (parser.Current is null && !MoveNext()) throw new YamlException(lastMark, lastMark, "unexpected end of file");
        var ev = parser.Current!;
        lastMark = ev.Start;
        MoveNext();
        return ev;
    }

    private bool MoveNext()
    {
        try
        {
            return parser.MoveNext();
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner throws this for some unterminated flow collections instead of a YamlException.
            throw new YamlException(lastMark, lastMark, "unterminated '[' or '{' (a closing bracket is missing)");
        }
    }

    private void Expect<T>() where T : ParsingEvent
    {
        var ev = Next();
        if (ev is not T) throw new YamlException(ev.Start, ev.End, $"unexpected {ev.GetType().Name}");
    }

    private bool Accept<T>(out T? ev) where T : ParsingEvent
    {
        if (parser.Current is null) MoveNext();
        ev = parser.Current as T;
        if (ev is null) return false;
        Next();
        return true;
    }

    private SourceLocation At(Mark mark) => new(file, Math.Max(1, (int)mark.Line), Math.Max(1, (int)mark.Column));

    private static string Lowercase(string message)
    {
        var text = message.TrimEnd('.');
        return text.Length > 0 ? char.ToLowerInvariant(text[0]) + text[1..] : text;
    }
}
