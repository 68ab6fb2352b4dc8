namespace Runbook.Steps.Mail;

/// <summary>Special-use roles recognised by SPECIAL-USE flag or by a well-known (English or Japanese) folder name.</summary>
internal static class SpecialUseNames
{
    public const string Sent = "Sent";
    public const string Drafts = "Drafts";
    public const string Trash = "Trash";
    public const string Junk = "Junk";

    private static readonly Dictionary<string, string> RoleByName = Build(
        (Sent, ["Sent", "Sent Items", "Sent Messages", "Sent Mail", "送信済み", "送信済みアイテム", "送信済みメール"]),
        (Drafts, ["Drafts", "Draft", "下書き"]),
        (Trash, ["Trash", "Deleted Items", "Deleted Messages", "ごみ箱", "ゴミ箱", "削除済みアイテム"]),
        (Junk, ["Junk", "Spam", "Junk E-mail", "Junk Email", "迷惑メール"]));

    /// <summary>The role a top-level folder name stands for, or null. Case-insensitive: hosts differ in case.</summary>
    public static string? RoleOf(string name) => RoleByName.GetValueOrDefault(name.Trim());

    /// <summary>Normalises a SPECIAL-USE attribute ("\Sent", "Sent") to one of the four roles we map, or null.</summary>
    public static string? RoleOfFlag(string? flag)
    {
        if (string.IsNullOrEmpty(flag))
        {
            return null;
        }

        var bare = flag.TrimStart('\\');
        foreach (var role in (string[])[Sent, Drafts, Trash, Junk])
        {
            if (string.Equals(bare, role, StringComparison.OrdinalIgnoreCase))
            {
                return role;
            }
        }

        return null;
    }

    private static Dictionary<string, string> Build(params (string Role, string[] Names)[] roles)
    {
        var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (role, names) in roles)
        {
            foreach (var name in names)
            {
                map[name] = role;
            }
        }

        return map;
    }
}
