using System.Diagnostics;

namespace TokenSdk.Tests.TestSupport;

/// <summary>Whether <see cref="ReadOnlyDirectory"/> can work here.</summary>
internal static class ReadOnlyDirectories
{
    /// <summary>Gets whether this machine can make a directory unwritable for this process (Unix; root needs Linux mounts).</summary>
    public static bool Supported => !OperatingSystem.IsWindows() && (Environment.UserName != "root" || (OperatingSystem.IsLinux() && File.Exists("/bin/mount")));
}

/// <summary>
/// Makes a directory unwritable for this process until disposed: mode 0500 for an ordinary user; for root, whom file
/// modes do not stop, a read-only bind mount of the directory onto itself (Linux), which stops root too.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
internal sealed class ReadOnlyDirectory : IDisposable
{
    private readonly string _path;
    private readonly bool _mounted;

    private ReadOnlyDirectory(string path, bool mounted)
    {
        _path = path;
        _mounted = mounted;
    }


    public static ReadOnlyDirectory Apply(string path)
    {
        if (Environment.UserName == "root")
        {
            Run("mount", "--bind", path, path);
            Run("mount", "-o", "remount,bind,ro", path);
            return new ReadOnlyDirectory(path, mounted: true);
        }

        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        return new ReadOnlyDirectory(path, mounted: false);
    }

    public void Dispose()
    {
        if (_mounted)
        {
            Run("umount", _path);
        }
        else
        {
            File.SetUnixFileMode(_path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private static void Run(string program, params string[] arguments)
    {
        using Process process = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardError = true })!;
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed ({process.ExitCode}): {error}");
        }
    }
}
