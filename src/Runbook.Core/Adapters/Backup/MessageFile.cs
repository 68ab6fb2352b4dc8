namespace Runbook.Adapters.Backup;

/// <summary>One message's file of a batch: where it goes, and what goes there.</summary>
internal sealed record MessageFileWrite(string Path, BackupItem Item);

/// <summary>
/// A whole message in a file of its own (maildir, eml): written atomically, read back verbatim. A batch is written to
/// temp files, made durable at once (<see cref="FileSync"/>), and only then renamed into place, so a crash leaves
/// either no file or a complete one, and the manifest names a file only after its rename is durable too.
/// </summary>
internal static class MessageFile
{
    /// <summary>Files written at once by a batch.</summary>
    public const int Parallelism = 8;

    /// <summary>Writes the batch into <paramref name="folder"/>, then deletes <paramref name="replaced"/> (earlier files of the same messages).</summary>
    public static async Task WriteBatchAsync(string folder, IReadOnlyList<MessageFileWrite> writes, IReadOnlyCollection<string> replaced, CancellationToken cancellationToken)
    {
        var batched = FileSync.Batched;
        var temps = new string[writes.Count];
        var options = new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken };
        try
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, writes.Count), options, async (i, ct) =>
                temps[i] = await WriteTempAsync(writes[i].Path, writes[i].Item, flushToDisk: !batched, ct));
            if (batched && writes.Count > 0)
            {
                FileSync.SyncFileSystem(folder);
            }

            for (var i = 0; i < writes.Count; i++)
            {
                File.Move(temps[i], writes[i].Path, overwrite: true);
                temps[i] = null!;
            }

            foreach (var file in replaced)
            {
                File.Delete(file);
            }

            if (batched && writes.Count > 0)
            {
                FileSync.SyncFolder(folder);
            }
        }
        finally
        {
            // Temp files of a failed batch (not spool files: their spool cleans up after itself).
            for (var i = 0; i < writes.Count; i++)
            {
                if (temps[i] is { } temp && writes[i].Item.TakeFile is null)
                {
                    File.Delete(temp);
                }
            }
        }
    }

    public static async Task CopyOutAsync(string path, Stream destination, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await file.CopyToAsync(destination, cancellationToken);
    }

    /// <summary>The message's bytes in a temp file beside <paramref name="path"/> (or its spool file, on the same disk), dated.</summary>
    private static async Task<string> WriteTempAsync(string path, BackupItem item, bool flushToDisk, CancellationToken cancellationToken)
    {
        string temp;
        if (item.TakeFile is { } spooled)
        {
            // Same disk: the spool file is renamed into place, atomic like a copy but without the second write.
            if (flushToDisk)
            {
                await using var file = new FileStream(spooled, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
                file.Flush(flushToDisk: true);
            }

            temp = spooled;
        }
        else
        {
            var stream = AtomicFile.CreateTemp(path, out temp);
            try
            {
                await using (var content = item.OpenContent())
                {
                    await content.CopyToAsync(stream, cancellationToken);
                }

                await stream.FlushAsync(cancellationToken);
                if (flushToDisk)
                {
                    stream.Flush(flushToDisk: true);
                }
            }
            catch
            {
                await stream.DisposeAsync();
                File.Delete(temp);
                throw;
            }

            await stream.DisposeAsync();
        }

        if (item.Entry.InternalDate is { } date)
        {
            File.SetLastWriteTimeUtc(temp, date.UtcDateTime);
        }

        return temp;
    }
}
