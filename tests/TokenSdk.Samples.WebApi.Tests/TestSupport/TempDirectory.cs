namespace TokenSdk.Samples.WebApi.Tests.TestSupport;

/// <summary>A fresh temporary folder, deleted on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    /// <summary>Creates the folder.</summary>
    public TempDirectory()
    {
        Root = Path.Combine(Path.GetTempPath(), "tokensdk-sample-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
    }

    /// <summary>Gets the folder.</summary>
    public string Root { get; }

    /// <summary>Returns a path inside the folder.</summary>
    /// <param name="parts">The path's parts below the folder.</param>
    public string Combine(params string[] parts) => Path.Combine([Root, .. parts]);

    /// <inheritdoc/>
    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A leftover temporary folder is not worth failing a test over.
        }
    }
}
