using TokenSdk.Credentials;
using TokenSdk.Hashing;
using TokenSdk.Roles;
using TokenSdk.Storage;

namespace TokenSdk.Benchmarks;

/// <summary>Fills stores with realistic records quickly (no secret needed for tokens nobody presents).</summary>
internal static class StoreFiller
{
    public static void Fill(InMemoryTokenStore store, int count)
    {
        foreach (StoredToken record in Records(count))
        {
            store.TryAddAsync(record).GetAwaiter().GetResult();
        }
    }

    /// <summary>
    /// Store sizes to measure: the sizes, or tiny ones when <c>TOKENSDK_BENCH_SMOKE=1</c> (CI's smoke run,
    /// which only proves that every benchmark still runs).
    /// </summary>
    public static bool Smoke => Environment.GetEnvironmentVariable("TOKENSDK_BENCH_SMOKE") == "1";

    /// <summary>Writes a file store directory holding <paramref name="count"/> tokens, straight through the log format.</summary>
    public static void WriteFileStore(string directory, int count)
    {
        Directory.CreateDirectory(directory);
        using var file = new FileStream(Path.Combine(directory, FileTokenStore.LogFileName), FileMode.Create, FileAccess.Write);
        using var buffered = new BufferedStream(file, 1 << 20);
        buffered.Write(TokenSdk.Storage.FileStore.LogFormat.CreateHeader(0x5EED));
        foreach (StoredToken record in Records(count))
        {
            TokenSdk.Storage.FileStore.LogFormat.WriteAdd(buffered, record);
        }
    }

    public static IEnumerable<StoredToken> Records(int count)
    {
        var generator = new TokenGenerator();
        IssuedToken template = generator.Generate(new TokenGenerationRequest(DefaultRoles.ReadWriteServiceAccount));
        StoredVerifier verifier = template.Record.Verifier;
        for (int i = 0; i < count; i++)
        {
            yield return new StoredToken(NewClientId(), TokenSdkOptions.DefaultOrganization, DefaultRoles.ReadWriteServiceAccount.Id, verifier, template.Record.CreatedAt);
        }
    }

    private static string NewClientId() =>
        System.Security.Cryptography.RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", 24);
}
