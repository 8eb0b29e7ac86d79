using System.Buffers.Binary;
using TokenSdk.Cli.Tests.TestSupport;

namespace TokenSdk.Cli.Tests;

/// <summary>
/// The CLI on a file store whose last record is damaged (one byte flipped): every command fails loudly naming the file
/// and offset, and none of them, reading or writing, changes a byte of the store.
/// </summary>
public sealed class DamagedStoreTests
{
    private const int HeaderLength = 32;

    [Theory]
    [InlineData("tokens", "list")]
    [InlineData("tokens", "list", "--output", "json")]
    [InlineData("tokens", "create", "--role", "read-only-user")]
    public async Task AnyCommand_LastRecordDamaged_ExitsThreeNamingFileAndOffsetAndChangesNothing(params string[] command)
    {
        // Arrange: two tokens, then one byte of the last record's payload flipped.
        using var store = new TempStore();
        await store.CreateAsync();
        await store.CreateAsync();
        string log = Path.Combine(store.Directory, "tokens.log");
        byte[] bytes = File.ReadAllBytes(log);
        int last = LastRecordOffset(bytes);
        bytes[last + 20] ^= 0x5A;
        File.WriteAllBytes(log, bytes);
        string[] before = Directory.GetFiles(store.Directory);

        // Act
        CliResult result = await store.RunAsync(command);

        // Assert
        Assert.Equal(3, result.ExitCode);
        Assert.Contains("tokens.log' is damaged", result.StandardError, StringComparison.Ordinal);
        Assert.Contains($"offset {last}", result.StandardError, StringComparison.Ordinal);
        Assert.Equal(bytes, File.ReadAllBytes(log));
        Assert.Equal(before, Directory.GetFiles(store.Directory));
    }

    private static int LastRecordOffset(byte[] log)
    {
        int position = HeaderLength;
        int last = position;
        while (position + 8 <= log.Length)
        {
            last = position;
            position += 8 + (int)BinaryPrimitives.ReadUInt32LittleEndian(log.AsSpan(position));
        }

        return last;
    }
}
