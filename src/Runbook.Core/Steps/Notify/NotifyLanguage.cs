using System.Globalization;
using Runbook.Plan.Model;

namespace Runbook.Steps.Notify;

/// <summary>How values read in one language: dates in the plan's timezone, numbers, and words the templates cannot hold.</summary>
internal sealed class NotifyLanguage
{
    private static readonly string[] JapaneseDays = ["日", "月", "火", "水", "木", "金", "土"];
    private readonly bool _japanese;
    private readonly TimeZoneInfo _zone;
    private readonly CultureInfo _culture;

    private NotifyLanguage(bool japanese, TimeZoneInfo zone)
    {
        _japanese = japanese;
        _zone = zone;
        _culture = CultureInfo.GetCultureInfo(japanese ? "ja-JP" : "en-US");
    }

    public string Code => _japanese ? "ja" : "en";

    /// <summary>Anything but <c>ja</c> is English, the schema's default.</summary>
    public static NotifyLanguage For(string? code, TimeZoneInfo zone) => new(code == "ja", zone);

    // Written out by hand rather than with a culture's long date pattern, which differs between ICU versions.
    public string Date(DateTimeOffset instant)
    {
        var local = TimeZoneInfo.ConvertTime(instant, _zone);
        var time = local.ToString("HH:mm", CultureInfo.InvariantCulture);
        return _japanese
            ? $"{local.Year}年{local.Month}月{local.Day}日（{JapaneseDays[(int)local.DayOfWeek]}）{time}（{_zone.Id}）"
            : $"{local.ToString("ddd d MMM yyyy", CultureInfo.InvariantCulture)}, {time} ({_zone.Id})";
    }

    public string Number(long value) => value.ToString("N0", _culture);

    public string Security(TransportSecurity security) => security switch
    {
        TransportSecurity.Tls => "SSL/TLS",
        TransportSecurity.StartTls => "STARTTLS",
        _ => _japanese ? "なし" : "none",
    };

    public string EventTitle(Engine.RunEventKind kind) => (kind, _japanese) switch
    {
        (Engine.RunEventKind.Waiting, true) => "待機中です",
        (Engine.RunEventKind.Failed, true) => "失敗しました",
        (Engine.RunEventKind.Done, true) => "完了しました",
        (Engine.RunEventKind.Approval, true) => "承認をお待ちしています",
        (Engine.RunEventKind.Waiting, false) => "waiting",
        (Engine.RunEventKind.Failed, false) => "failed",
        (Engine.RunEventKind.Done, false) => "done",
        _ => "waiting for approval",
    };

    public string DefaultInterruption => _japanese
        ? "作業時間中はメールの送受信が数分間遅れることがあります。"
        : "During the window, sending and receiving may be delayed for a few minutes.";
}
