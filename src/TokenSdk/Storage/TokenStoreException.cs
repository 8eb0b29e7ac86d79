namespace TokenSdk.Storage;

/// <summary>A token store cannot do what was asked (I/O failure, permissions, a lock it cannot get); nothing was changed.</summary>
public class TokenStoreException : IOException
{
    /// <summary>Creates the exception.</summary>
    public TokenStoreException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What went wrong and what to do.</param>
    public TokenStoreException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What went wrong and what to do.</param>
    /// <param name="innerException">The cause.</param>
    public TokenStoreException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// A store file is damaged where acknowledged data lies (not just a torn last record). The store refuses to open
/// rather than drop tokens silently; the message names the file and the offset.
/// </summary>
public sealed class TokenStoreCorruptedException : TokenStoreException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="filePath">The damaged file.</param>
    /// <param name="offset">The byte offset of the first damaged record.</param>
    /// <param name="detail">What is wrong there.</param>
    public TokenStoreCorruptedException(string filePath, long offset, string detail)
        : base($"The token store file '{filePath}' is damaged at byte offset {offset}: {detail}. " +
               "Acknowledged tokens may lie beyond it, so the store will not open it. Restore the file from a backup, or move it aside to start empty.")
    {
        FilePath = filePath;
        Offset = offset;
    }

    /// <summary>Gets the damaged file.</summary>
    public string FilePath { get; }

    /// <summary>Gets the byte offset of the first damaged record.</summary>
    public long Offset { get; }
}
