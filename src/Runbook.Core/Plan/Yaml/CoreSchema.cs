using System.Globalization;
using System.Text.RegularExpressions;

namespace Runbook.Plan.Yaml;

/// <summary>
/// Types plain scalars by the YAML 1.2 core schema. Unlike YAML 1.1, <c>yes</c>, <c>no</c>, <c>on</c>, <c>off</c>
/// and <c>22:00</c> stay strings, so a window's <c>from: 22:00</c> or a notification's <c>on:</c> mean what they say.
/// </summary>
internal static partial class CoreSchema
{
    public static object? Resolve(string text)
    {
        switch (text)
        {
            case "" or "~" or "null" or "Null" or "NULL": return null;
            case "true" or "True" or "TRUE": return true;
            case "false" or "False" or "FALSE": return false;
            case ".inf" or ".Inf" or ".INF" or "+.inf" or "+.Inf" or "+.INF": return double.PositiveInfinity;
            case "-.inf" or "-.Inf" or "-.INF": return double.NegativeInfinity;
            case ".nan" or ".NaN" or ".NAN": return double.NaN;
        }
        if (Decimal().IsMatch(text) && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
            return l;
        if (text.StartsWith("0o", StringComparison.Ordinal) && Octal().IsMatch(text[2..]))
            return Convert.ToInt64(text[2..], 8);
        if (text.StartsWith("0x", StringComparison.Ordinal) && Hex().IsMatch(text[2..]))
            return long.Parse(text[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
        if (Float().IsMatch(text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
            return d;
        return text;
    }

    [GeneratedRegex("^[-+]?[0-9]+$")]
    private static partial Regex Decimal();

    [GeneratedRegex("^[0-7]+$")]
    private static partial Regex Octal();

    [GeneratedRegex("^[0-9a-fA-F]+$")]
    private static partial Regex Hex();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex Float();
}
