using System.Diagnostics;

namespace TokenSdk.AspNetCore.Tests.TestSupport;

/// <summary>
/// A real file system of a few hundred KiB (tmpfs mounted on a temporary directory) that a test can fill up, to
/// meet the errors of a full disk (ENOSPC) where the store meets them. Mounting needs root on Linux.
/// </summary>
internal sealed class SmallDisk : IDisposable
{
    private SmallDisk(string path) => Path = path;

    /// <summary>Gets the mounted directory.</summary>
    public string Path { get; }

    /// <summary>Gets whether this machine can mount one (Linux, root).</summary>
    public static bool CanMount => OperatingSystem.IsLinux() && Environment.UserName == "root" && File.Exists("/bin/mount");

    public static SmallDisk Mount(int kibibytes)
    {
        string path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "tokensdk-smalldisk-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        Run("mount", "-t", "tmpfs", "-o", $"size={kibibytes}k,mode=0700", "tmpfs", path);
        return new SmallDisk(path);
    }

    /// <summary>Writes a file that takes every free byte; returns its path (delete it to free the space).</summary>
    public string Fill()
    {
        string filler = System.IO.Path.Combine(Path, "filler");
        using var file = new FileStream(filler, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);
        byte[] block = new byte[4096];
        try
        {
            while (true)
            {
                file.Write(block);
            }
        }
        catch (IOException)
        {
            // ENOSPC: the disk is full.
        }

        return filler;
    }

    public void Dispose()
    {
        Run("umount", "-l", Path);
        Directory.Delete(Path);
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
