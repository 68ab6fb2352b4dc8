using System.Text.Json.Nodes;

namespace Runbook.Cli.Commands;

/// <summary>A step's outputs as one readable line; the full outputs are for <c>--json</c>, not for people.</summary>
internal static class OutputsText
{
    private const int MaxLength = 240;

    public static string Summary(JsonObject outputs)
    {
        // Steps that produce large outputs (a migration's per-folder table) put a sentence under "summary".
        if (outputs["summary"] is JsonValue summary && summary.TryGetValue<string>(out var text))
        {
            return text;
        }

        var json = outputs.ToJsonString(ApplyResultJson.Compact);
        return json.Length <= MaxLength ? json : json[..MaxLength] + "… (all outputs: --json)";
    }
}
