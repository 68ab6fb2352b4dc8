using System.Globalization;
using Runbook.Adapters.Dns;
using Runbook.Plan.Model;

namespace Runbook.Steps.Dns;

/// <summary>An MX RRset compared as a set of (preference, host); TTLs are not part of its identity.</summary>
internal sealed class MxSet : IEquatable<MxSet>
{
    private MxSet(IEnumerable<(int Preference, string Host)> entries) =>
        Entries = [.. entries.Distinct().OrderBy(e => e.Preference).ThenBy(e => e.Host, StringComparer.Ordinal)];

    public IReadOnlyList<(int Preference, string Host)> Entries { get; }

    public bool IsEmpty => Entries.Count == 0;

    public IEnumerable<string> Hosts => Entries.Select(e => e.Host).Distinct();

    public static MxSet From(IEnumerable<MxRecord> records) => new(records.Select(r => (r.Preference, DnsAdapter.Fqdn(r.Host))));

    public static MxSet From(IEnumerable<DnsRecord> records) => new(records.Where(r => r.Type == DnsType.Mx).Select(r =>
    {
        var parts = r.Data.Split(' ', 2);
        return (int.Parse(parts[0], CultureInfo.InvariantCulture), DnsAdapter.Fqdn(parts[1]));
    }));

    /// <summary>The records to write for this set at <paramref name="owner"/> with <paramref name="ttl"/>.</summary>
    public IReadOnlyList<DnsRecord> Records(string owner, int ttl) =>
        [.. Entries.Select(e => new DnsRecord(owner, DnsType.Mx, ttl, $"{e.Preference} {e.Host}"))];

    /// <summary>Entries of this set missing from <paramref name="other"/>, as text.</summary>
    public IEnumerable<string> Except(MxSet other) => Entries.Except(other.Entries).Select(e => $"MX {e.Preference} {e.Host}");

    public bool Equals(MxSet? other) => other is not null && Entries.SequenceEqual(other.Entries);

    public override bool Equals(object? obj) => Equals(obj as MxSet);

    public override int GetHashCode() => Entries.Count;

    public override string ToString() => IsEmpty ? "no MX" : string.Join(", ", Entries.Select(e => $"MX {e.Preference} {e.Host}"));

    /// <summary>The diff form <c>MX 10 mx.old.test. TTL 3600</c>.</summary>
    public string WithTtl(int ttl) => IsEmpty ? "no MX" : string.Join(", ", Entries.Select(e => $"MX {e.Preference} {e.Host} TTL {ttl}"));
}
