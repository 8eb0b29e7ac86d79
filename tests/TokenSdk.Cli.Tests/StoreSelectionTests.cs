using TokenSdk.Cli.Stores;

namespace TokenSdk.Cli.Tests;

public sealed class StoreSelectionTests
{
    private static readonly Func<string, string?> s_noVariables = _ => null;

    [Fact]
    public void Resolve_PlainPath_IsAFileStore()
    {
        StoreSelection selection = StoreSelection.Resolve("/var/lib/tokens", s_noVariables);

        Assert.Same(FileStoreKind.Instance, selection.Kind);
        Assert.Equal("/var/lib/tokens", selection.Location);
    }

    [Fact]
    public void Resolve_FilePrefix_StripsIt()
    {
        StoreSelection selection = StoreSelection.Resolve("file:/var/lib/tokens", s_noVariables);

        Assert.Equal("file", selection.Kind.Name);
        Assert.Equal("/var/lib/tokens", selection.Location);
    }

    [Fact]
    public void Resolve_DriveLetterPath_IsAFileStorePathNotAKind()
    {
        StoreSelection selection = StoreSelection.Resolve(@"C:\tokens", s_noVariables);

        Assert.Equal(@"C:\tokens", selection.Location);
    }

    [Fact]
    public void FileStoreKind_MissingDirectoryWithoutCreate_ThrowsStoreError()
    {
        string missing = Path.Combine(Path.GetTempPath(), "tokensdk-cli-missing-" + Guid.NewGuid().ToString("N"));

        CliException ex = Assert.Throws<CliException>(() => FileStoreKind.Instance.Check(missing, Environment(Path.GetTempPath()), create: false));

        Assert.Equal(ExitCodes.StoreError, ex.ExitCode);
        Assert.False(Directory.Exists(missing));
    }

    [Fact]
    public void Resolve_NoOption_UsesTheTokenSdkStoreVariable()
    {
        StoreSelection selection = StoreSelection.Resolve(null, name => name == "TOKENSDK_STORE" ? "/srv/tokens" : null);

        Assert.Equal("/srv/tokens", selection.Location);
    }

    [Fact]
    public void Resolve_NeitherOptionNorVariable_ThrowsUsage()
    {
        CliException ex = Assert.Throws<CliException>(() => StoreSelection.Resolve(" ", s_noVariables));

        Assert.Equal(ExitCodes.Usage, ex.ExitCode);
    }

    [Fact]
    public void FileStoreKind_RelativeLocation_IsCheckedAgainstTheWorkingDirectory()
    {
        string root = Path.Combine(Path.GetTempPath(), "tokensdk-cli-relative-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(root, "store"));
        try
        {
            FileStoreKind.Instance.Check("store", Environment(root), create: false);

            CliException ex = Assert.Throws<CliException>(() => FileStoreKind.Instance.Check("other", Environment(root), create: false));
            Assert.Contains("'other' does not exist", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Theory]
    [InlineData("postgres", "")]
    [InlineData("POSTGRES", "")]
    [InlineData("postgres:", "")]
    [InlineData("postgres:tenant_a", "tenant_a")]
    public void Resolve_Postgres_IsThePostgreSqlStoreWithTheSchemaAsLocation(string value, string schema)
    {
        StoreSelection selection = StoreSelection.Resolve(value, s_noVariables);

        Assert.Same(PostgreSqlStoreKind.Instance, selection.Kind);
        Assert.Equal(schema, selection.Location);
    }

    [Fact]
    public void Resolve_PostgresInTheVariable_IsThePostgreSqlStore()
    {
        StoreSelection selection = StoreSelection.Resolve(null, name => name == "TOKENSDK_STORE" ? "postgres:billing" : null);

        Assert.Same(PostgreSqlStoreKind.Instance, selection.Kind);
        Assert.Equal("billing", selection.Location);
    }

    [Theory]
    [InlineData("file")]
    [InlineData("./postgres")]
    [InlineData("postgresql")]
    public void Resolve_NotExactlyAKindName_IsAFileStoreDirectory(string value)
    {
        StoreSelection selection = StoreSelection.Resolve(value, s_noVariables);

        Assert.Same(FileStoreKind.Instance, selection.Kind);
        Assert.Equal(value, selection.Location);
    }

    [Fact]
    public void PostgreSqlStoreKind_NoConnectionStringVariable_ThrowsUsageNamingTheVariable()
    {
        CliException ex = Assert.Throws<CliException>(() => PostgreSqlStoreKind.Instance.Check("", Environment(Path.GetTempPath()), create: false));

        Assert.Equal(ExitCodes.Usage, ex.ExitCode);
        Assert.Contains("TOKENSDK_POSTGRES", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Host=db;Password=Sesame-42x")]
    [InlineData("Sesame-42x;x")]
    public void PostgreSqlStoreKind_ConnectionStringAsSchema_ThrowsUsageWithoutRepeatingIt(string schema)
    {
        CliEnvironment environment = Environment(Path.GetTempPath(), ("TOKENSDK_POSTGRES", "Host=127.0.0.1;Username=app"));

        CliException ex = Assert.Throws<CliException>(() => PostgreSqlStoreKind.Instance.Check(schema, environment, create: false));

        Assert.Equal(ExitCodes.Usage, ex.ExitCode);
        Assert.DoesNotContain("Sesame", ex.Message, StringComparison.Ordinal);
        Assert.Contains("TOKENSDK_POSTGRES", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Host=127.0.0.1;Password=Sesame-42x;Bogus=1", "tokensdk", "ConnectionString")]
    [InlineData("Host=127.0.0.1;Password=Sesame-42x", "Tenant-A", "Schema")]
    public void PostgreSqlStoreKind_InvalidSettings_ThrowsUsageNamingTheSettingNotThePassword(string connectionString, string schema, string setting)
    {
        CliEnvironment environment = Environment(Path.GetTempPath(), ("TOKENSDK_POSTGRES", connectionString));

        CliException ex = Assert.Throws<CliException>(() => PostgreSqlStoreKind.Instance.Check(schema, environment, create: false));

        Assert.Equal(ExitCodes.Usage, ex.ExitCode);
        Assert.Contains(setting, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Sesame", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PostgreSqlTarget_NoSchemaGiven_UsesTheSchemaVariableThenTheDefault()
    {
        CliEnvironment withVariable = Environment(Path.GetTempPath(), ("TOKENSDK_POSTGRES", "Host=h"), ("TOKENSDK_POSTGRES_SCHEMA", "tenant_b"));
        CliEnvironment without = Environment(Path.GetTempPath(), ("TOKENSDK_POSTGRES", "Host=h"));

        Assert.Equal("tenant_b", PostgreSqlTarget.Resolve("", withVariable).Schema);
        Assert.Equal("tenant_c", PostgreSqlTarget.Resolve("tenant_c", withVariable).Schema);
        Assert.Equal("tokensdk", PostgreSqlTarget.Resolve(null, without).Schema);
    }

    private static CliEnvironment Environment(string workingDirectory, params (string Name, string Value)[] variables) =>
        new(TextWriter.Null, TextWriter.Null, TextReader.Null,
            name => variables.FirstOrDefault(v => v.Name == name).Value, workingDirectory);
}
