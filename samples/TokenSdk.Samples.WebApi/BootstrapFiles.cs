using System.Runtime.InteropServices;
using System.Text.Json;

namespace TokenSdk.Samples.WebApi;

/// <summary>
/// The file-system steps of the bootstrap: an owner-only directory, an owner-only file written durably, a directory
/// flushed to disk, and reading back which token a bootstrap file holds.
/// </summary>
internal static partial class BootstrapFiles
{
    private const int ErrnoExists = 17; // EEXIST, on Linux and macOS alike
    private const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode GroupOrOther =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>
    /// Creates <paramref name="directory"/> owner-only (0700, whatever the umask), or checks that the existing one
    /// is owner-only: other users must not list, enter or change the directory that will hold an administrator's secret.
    /// </summary>
    /// <param name="directory">The directory.</param>
    /// <exception cref="BootstrapException">The directory exists and other users may use it.</exception>
    public static void EnsureOwnerOnlyDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            // Files created in the user's profile inherit an owner-only ACL; nothing to check here.
            Directory.CreateDirectory(directory);
            return;
        }

        if (!Directory.Exists(directory))
        {
            Directory.CreateDirectory(directory, OwnerOnlyDirectory);

            // mkdir applies the umask to the mode; set it outright so no umask can change it.
            File.SetUnixFileMode(directory, OwnerOnlyDirectory);
            return;
        }

        UnixFileMode mode = File.GetUnixFileMode(directory);
        if ((mode & GroupOrOther) != 0)
        {
            throw new BootstrapException(
                $"The directory '{directory}', which is to hold the bootstrap administrator token, is open to other users " +
                $"(mode {Octal(mode)}). Make it owner-only (chmod 700 '{directory}'), or set TOKENSDK_BOOTSTRAP_FILE to a file in an owner-only directory.");
        }
    }

    /// <summary>Creates <paramref name="path"/>, which must not exist, owner-only (0600 whatever the umask), for writing.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The open file.</returns>
    public static FileStream CreateOwnerOnly(string path)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None, BufferSize = 0 };
        if (OperatingSystem.IsWindows())
        {
            return new FileStream(path, options);
        }

        options.UnixCreateMode = OwnerOnlyFile;
        var file = new FileStream(path, options);
        File.SetUnixFileMode(file.SafeFileHandle, OwnerOnlyFile);
        return file;
    }

    /// <summary>
    /// Gives <paramref name="temporary"/> the name <paramref name="target"/>, failing if <paramref name="target"/>
    /// exists, even if it appears meanwhile. The directory still needs flushing afterwards.
    /// </summary>
    /// <remarks>
    /// <c>File.Move(..., overwrite: false)</c> checks for the target then renames, which replaces a target created
    /// in between. A hard link cannot replace anything: link, then remove the temporary name. A crash between the two
    /// leaves both names on one file, which <see cref="BootstrapAdministrator"/> recognizes at the next start.
    /// </remarks>
    /// <param name="temporary">The file's current path.</param>
    /// <param name="target">Its new path.</param>
    /// <exception cref="IOException"><paramref name="target"/> exists, or the file system refused.</exception>
    public static void PublishWithoutReplacing(string temporary, string target)
    {
        if (OperatingSystem.IsWindows())
        {
            // MoveFileEx without MOVEFILE_REPLACE_EXISTING: atomic, and never replaces.
            File.Move(temporary, target, overwrite: false);
            return;
        }

        if (Link(temporary, target) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            if (errno == ErrnoExists)
            {
                throw new IOException($"Cannot publish '{temporary}' as '{target}': that file exists.");
            }

            // A file system without hard links (some network and FUSE ones): check-then-rename is the best left.
            File.Move(temporary, target, overwrite: false);
            return;
        }

        File.Delete(temporary);
    }

    /// <summary>
    /// Flushes <paramref name="directory"/>'s entries to disk (fsync on the directory), so a file created, renamed or
    /// deleted in it stays so after a power cut. .NET has no API for it; NTFS journals its metadata, so Windows needs nothing.
    /// </summary>
    /// <param name="directory">The directory.</param>
    /// <exception cref="IOException">The directory cannot be opened or flushed.</exception>
    public static void FlushDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        int fd = Open(directory, 0 /* O_RDONLY */);
        if (fd < 0)
        {
            throw new IOException($"Cannot open the directory '{directory}' to flush it to disk (errno {Marshal.GetLastPInvokeError()}).");
        }

        try
        {
            if (Fsync(fd) != 0)
            {
                throw new IOException($"Cannot flush the directory '{directory}' to disk (errno {Marshal.GetLastPInvokeError()}).");
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    /// <summary>
    /// Reads the client id of the token whose details <paramref name="path"/> holds, if the file is complete: JSON
    /// with every field of <c>GeneratedToken.ToJson</c>. A file cut short (a crash while it was written) gives <see langword="null"/>.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <returns>The client id, or <see langword="null"/> when the file is incomplete.</returns>
    public static string? ReadCompleteClientId(string path)
    {
        byte[] content = File.ReadAllBytes(path);
        try
        {
            using JsonDocument document = JsonDocument.Parse(content);
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("roles", out JsonElement roles) || roles.ValueKind != JsonValueKind.Array || roles.GetArrayLength() == 0)
            {
                return null;
            }

            foreach (string field in (string[])["clientId", "secret", "orgId", "token", "generatedOn"])
            {
                if (!root.TryGetProperty(field, out JsonElement value) || value.ValueKind != JsonValueKind.String || value.GetString() is not { Length: > 0 })
                {
                    return null;
                }
            }

            return root.GetProperty("clientId").GetString();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Octal(UnixFileMode mode) => Convert.ToString((int)mode, 8).PadLeft(4, '0');

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "link", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Link(string existingPath, string newPath);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}
