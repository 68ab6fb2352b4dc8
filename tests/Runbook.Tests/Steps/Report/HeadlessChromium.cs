using System.Diagnostics;
using Runbook.Tests.Support;

namespace Runbook.Tests.Steps.Report;

/// <summary>Debian's chromium, headless (installed by lab/lab.sh with the lab's packages): the DOM after load, the console, a screenshot.</summary>
internal static class HeadlessChromium
{
    public static string Executable =>
        new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("chromium is not installed: run `./build.sh lab up` (or apt-get install -y chromium fonts-noto-cjk)");

    /// <summary>Loads the file with networking off; returns the serialized DOM and chromium's console lines.</summary>
    public static async Task<(string Dom, string Console)> DumpDomAsync(string file) =>
        await RunAsync("--dump-dom", new Uri(file).AbsoluteUri);

    public static async Task<string> ScreenshotAsync(string file, string png)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(png)!);
        var (_, console) = await RunAsync($"--screenshot={png}", "--window-size=1280,2000", new Uri(file).AbsoluteUri);
        return console;
    }

    private static async Task<(string Out, string Err)> RunAsync(params string[] args)
    {
        using var profile = new TempDirectory();
        var info = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            // --enable-logging=stderr puts every console message on stderr as "CONSOLE(line)": a page error shows there.
            ArgumentList = { "--headless", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr", "--v=0", $"--user-data-dir={profile.Path}",
                "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>" },
        };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var error = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        return (await output, await error);
    }
}
