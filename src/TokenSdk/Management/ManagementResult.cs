namespace TokenSdk.Management;

/// <summary>
/// The outcome of a management operation, in the style of ASP.NET Core Identity's <c>IdentityResult</c>: a failure
/// is a value with a status and a message, not an exception. Messages never contain a secret or a token.
/// </summary>
public class ManagementResult
{
    /// <summary>The shared success result.</summary>
    public static readonly ManagementResult Success = new(ManagementStatus.Succeeded, null, null);

    /// <summary>Creates a result.</summary>
    /// <param name="status">The outcome.</param>
    /// <param name="message">What went wrong, for people; <see langword="null"/> on success.</param>
    /// <param name="missingPermission">The permission the caller lacks, for <see cref="ManagementStatus.PermissionDenied"/> and <see cref="ManagementStatus.EscalationDenied"/>.</param>
    protected ManagementResult(ManagementStatus status, string? message, string? missingPermission)
    {
        Status = status;
        Message = message;
        MissingPermission = missingPermission;
    }

    /// <summary>Gets the outcome.</summary>
    public ManagementStatus Status { get; }

    /// <summary>Gets whether the operation succeeded.</summary>
    public bool Succeeded => Status == ManagementStatus.Succeeded;

    /// <summary>Gets what went wrong, for people; <see langword="null"/> on success.</summary>
    public string? Message { get; }

    /// <summary>Gets the permission the caller lacks, when the operation was denied for want of one.</summary>
    public string? MissingPermission { get; }

    /// <summary>Gets how many tokens hold the role, for <see cref="ManagementStatus.RoleInUse"/>; otherwise 0.</summary>
    public int TokenCount { get; private protected init; }

    /// <summary>Creates a failed result.</summary>
    /// <param name="status">The outcome; not <see cref="ManagementStatus.Succeeded"/>.</param>
    /// <param name="message">What went wrong.</param>
    /// <param name="missingPermission">The permission the caller lacks, if that is the problem.</param>
    /// <returns>The result.</returns>
    /// <exception cref="ArgumentException"><paramref name="status"/> is <see cref="ManagementStatus.Succeeded"/>.</exception>
    public static ManagementResult Failed(ManagementStatus status, string message, string? missingPermission = null)
    {
        ThrowIfSuccess(status);
        ArgumentNullException.ThrowIfNull(message);
        return new ManagementResult(status, message, missingPermission);
    }

    /// <summary>Creates the failure of a role deletion refused because tokens hold the role.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="tokenCount">How many tokens hold the role (at least 1).</param>
    /// <returns>The result.</returns>
    public static ManagementResult RoleInUse(string message, int tokenCount)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentOutOfRangeException.ThrowIfLessThan(tokenCount, 1);
        return new ManagementResult(ManagementStatus.RoleInUse, message, null) { TokenCount = tokenCount };
    }

    /// <summary>Throws a <see cref="TokenManagementException"/> when the operation failed.</summary>
    /// <exception cref="TokenManagementException">The operation failed.</exception>
    public void ThrowIfFailed()
    {
        if (!Succeeded)
        {
            throw new TokenManagementException(this);
        }
    }

    /// <summary>Returns the status and message.</summary>
    /// <returns>A description.</returns>
    public override string ToString() => Succeeded ? "Succeeded" : $"{Status}: {Message}";

    private protected static void ThrowIfSuccess(ManagementStatus status)
    {
        if (status == ManagementStatus.Succeeded)
        {
            throw new ArgumentException("A failed result needs a failure status.", nameof(status));
        }
    }
}

/// <summary>The outcome of a management operation that returns a value on success.</summary>
/// <typeparam name="T">The value's type.</typeparam>
public sealed class ManagementResult<T> : ManagementResult
    where T : class
{
    private ManagementResult(ManagementStatus status, T? value, string? message, string? missingPermission)
        : base(status, message, missingPermission)
    {
        Value = value;
    }

    /// <summary>Gets the value on success; otherwise <see langword="null"/>.</summary>
    public T? Value { get; }

    /// <summary>Creates a successful result.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The result.</returns>
    public static ManagementResult<T> Ok(T value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new ManagementResult<T>(ManagementStatus.Succeeded, value, null, null);
    }

    /// <summary>Creates a failed result.</summary>
    /// <param name="status">The outcome; not <see cref="ManagementStatus.Succeeded"/>.</param>
    /// <param name="message">What went wrong.</param>
    /// <param name="missingPermission">The permission the caller lacks, if that is the problem.</param>
    /// <returns>The result.</returns>
    public static new ManagementResult<T> Failed(ManagementStatus status, string message, string? missingPermission = null)
    {
        ThrowIfSuccess(status);
        ArgumentNullException.ThrowIfNull(message);
        return new ManagementResult<T>(status, null, message, missingPermission);
    }

    /// <summary>Converts a failed untyped result.</summary>
    /// <param name="failure">A failed result.</param>
    /// <returns>The same failure, typed.</returns>
    public static ManagementResult<T> From(ManagementResult failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        ManagementResult<T> typed = Failed(failure.Status, failure.Message ?? failure.Status.ToString(), failure.MissingPermission);
        return failure.TokenCount == 0 ? typed : new ManagementResult<T>(failure.Status, null, typed.Message, null) { TokenCount = failure.TokenCount };
    }

    /// <summary>Returns the value, or throws when the operation failed.</summary>
    /// <returns>The value.</returns>
    /// <exception cref="TokenManagementException">The operation failed.</exception>
    public T GetValueOrThrow()
    {
        ThrowIfFailed();
        return Value!;
    }
}
