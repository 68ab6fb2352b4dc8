namespace Runbook.Tests.Support;

/// <summary>
/// Stands in for a server the steps write to. It counts every write per key, so a test sees any effect done twice,
/// and any write made during a dry run.
/// </summary>
internal sealed class FakeDestination
{
    private readonly Dictionary<string, int> _writes = new(StringComparer.Ordinal);
    private readonly object _sync = new();

    public bool Contains(string key)
    {
        lock (_sync)
        {
            return _writes.ContainsKey(key);
        }
    }

    public void Write(string key)
    {
        lock (_sync)
        {
            _writes[key] = _writes.GetValueOrDefault(key) + 1;
        }
    }

    public int TotalWrites
    {
        get
        {
            lock (_sync)
            {
                return _writes.Values.Sum();
            }
        }
    }

    public IReadOnlyDictionary<string, int> Writes
    {
        get
        {
            lock (_sync)
            {
                return new Dictionary<string, int>(_writes);
            }
        }
    }
}
