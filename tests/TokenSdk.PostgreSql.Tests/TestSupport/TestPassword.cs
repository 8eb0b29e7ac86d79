using Npgsql;

namespace TokenSdk.PostgreSql.Tests.TestSupport;

/// <summary>
/// A password for connection strings that must never show in any output. The test servers trust the loopback and
/// ignore it; it is readable text (no run the tool's secret masker would hide), so finding it anywhere means it
/// leaked, not that it was masked.
/// </summary>
internal static class TestPassword
{
    /// <summary>The password.</summary>
    public const string Value = "Sesame-Open-7Qx";

    /// <summary>Returns <paramref name="connectionString"/> with <see cref="Value"/> as its password.</summary>
    /// <param name="connectionString">A connection string.</param>
    public static string AddTo(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Password = Value }.ConnectionString;

    /// <summary>Asserts that <paramref name="output"/> does not hold the password.</summary>
    /// <param name="output">Anything a program wrote.</param>
    public static void AssertAbsent(string output) => Assert.DoesNotContain(Value, output, StringComparison.OrdinalIgnoreCase);
}
