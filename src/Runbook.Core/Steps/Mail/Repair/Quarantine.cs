namespace Runbook.Steps.Mail.Repair;

/// <summary>
/// Keeps the original bytes of repaired messages as <c>.eml</c> files beside the state, readable by the owner only:
/// <c>quarantine/ACCOUNT/f-FOLDER/UIDVALIDITY-ID.eml</c>, every name escaped so no server-given name leaves the folder.
/// </summary>
internal sealed class Quarantine(string root)
{
    public string Root => root;

    /// <summary>Writes the <paramref name="original"/> bytes in (atomically: temp file, then rename) and returns where they are.</summary>
    public string Keep(string account, string folder, uint uidValidity, string sourceId, byte[] original)
    {
        var directory = Path.Combine(root, Escape(account), "f-" + Escape(folder));
        CreatePrivate(root);
        CreatePrivate(Path.Combine(root, Escape(account)));
        CreatePrivate(directory);
        var path = Path.Combine(directory, $"{uidValidity}-{Escape(sourceId)}.eml");
        var temp = path + ".tmp";
        File.WriteAllBytes(temp, original);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        File.Move(temp, path, overwrite: true);
        return path;
    }

    /// <summary>Percent-escapes everything but letters, digits, '@', '-' and '_': no '/', no "..", no control characters.</summary>
    private static string Escape(string name)
    {
        var escaped = string.Concat(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '@' or '-' or '_' ? c.ToString() : $"%{(int)c:X2}"));
        return escaped.Length > 120 ? escaped[..120] + "~" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(name)))[..16] : escaped;
    }

    private static void CreatePrivate(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }
}
