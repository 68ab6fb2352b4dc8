using System.Globalization;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using NJsonSchema;
using NJsonSchema.Validation;

namespace Runbook.Plan.Validation;

/// <summary>Human wording for NJsonSchema's error kinds ("expected one of tls, starttls, none (got 'ssl')").</summary>
internal static class SchemaMessages
{
    public static string Describe(ValidationErrorKind kind, JsonSchema? schema, JToken? token)
    {
        var got = token is null ? "" : $", got {Show(token)}";
        return kind switch
        {
            ValidationErrorKind.StringExpected => $"expected a string{got}",
            ValidationErrorKind.IntegerExpected => $"expected a whole number{got}",
            ValidationErrorKind.NumberExpected => $"expected a number{got}",
            ValidationErrorKind.BooleanExpected => $"expected true or false{got}",
            ValidationErrorKind.ObjectExpected => $"expected a mapping (key: value){got}",
            ValidationErrorKind.ArrayExpected => $"expected a list{got}",
            ValidationErrorKind.NoTypeValidates => (Custom(schema) ?? "unexpected value") + got,
            ValidationErrorKind.NotInEnumeration => $"expected one of {string.Join(", ", schema?.Enumeration.Select(v => v?.ToString()) ?? [])}{got}",
            ValidationErrorKind.PatternMismatch => (Custom(schema) ?? $"does not match the pattern {schema?.Pattern}") + got,
            ValidationErrorKind.StringTooShort => "must not be empty",
            ValidationErrorKind.NumberTooSmall => $"must be at least {Format(schema?.Minimum)}{got}",
            ValidationErrorKind.NumberTooBig or ValidationErrorKind.IntegerTooBig => $"must be at most {Format(schema?.Maximum)}{got}",
            ValidationErrorKind.TooFewItems => $"needs at least {schema?.MinItems} item{(schema?.MinItems == 1 ? "" : "s")}",
            ValidationErrorKind.TooManyItems => $"takes at most {schema?.MaxItems} items",
            ValidationErrorKind.ItemsNotUnique => "items must be unique",
            _ => $"invalid value ({kind}){got}",
        };
    }

    /// <summary>A value as the user wrote it, short: 'text', 42, true, a list, a mapping.</summary>
    public static string Show(JToken token) => token.Type switch
    {
        JTokenType.String => $"'{Truncate((string)token!)}'",
        JTokenType.Null => "nothing (null)",
        JTokenType.Object => "a mapping",
        JTokenType.Array => "a list",
        _ => Truncate(token.ToString(Formatting.None)),
    };

    private static string? Custom(JsonSchema? schema) =>
        schema?.ExtensionData is { } data && data.TryGetValue("x-message", out var message) ? message?.ToString() : null;

    private static string Format(decimal? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "?";

    private static string Truncate(string text) => text.Length > 40 ? text[..37] + "..." : text;
}
