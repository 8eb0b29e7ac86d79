using Microsoft.Extensions.Options;
using TokenSdk.Cli.Output;
using TokenSdk.Management;
using TokenSdk.Storage;

namespace TokenSdk.Cli.Commands;

/// <summary>
/// Runs a command's body and turns every failure into one line on stderr and an exit code: user errors never show
/// a stack trace; unexpected ones show it only with <c>TOKENSDK_DEBUG=1</c>.
/// </summary>
internal static class CommandRunner
{
    /// <summary>Runs <paramref name="body"/>.</summary>
    /// <param name="body">The command; returns its exit code.</param>
    /// <param name="cancellationToken">Cancelled on Ctrl+C.</param>
    /// <returns>The exit code.</returns>
    public static async Task<int> RunAsync(Func<CancellationToken, Task<int>> body, CancellationToken cancellationToken)
    {
        try
        {
            return await body(cancellationToken).ConfigureAwait(false);
        }
        catch (CliException ex)
        {
            ErrorOutput.Error(ex.Message);
            return ex.ExitCode;
        }
        catch (TokenManagementException ex)
        {
            ErrorOutput.Error(ex.Message);
            return ExitCodeFor(ex.Status);
        }
        catch (TokenStoreException ex)
        {
            ErrorOutput.Error(ex.Message);
            return ExitCodes.StoreError;
        }
        catch (UnauthorizedAccessException ex)
        {
            ErrorOutput.Error("no permission: " + ex.Message);
            return ExitCodes.StoreError;
        }
        catch (IOException ex)
        {
            ErrorOutput.Error(ex.Message);
            return ExitCodes.StoreError;
        }
        catch (OptionsValidationException ex)
        {
            ErrorOutput.Error(ex.Message);
            return ExitCodes.Usage;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            ErrorOutput.Error("cancelled.");
            return ExitCodes.Cancelled;
        }
#pragma warning disable CA1031 // The tool's last line of defence: one line and an exit code, not a crash dump.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            ErrorOutput.Error($"unexpected {ex.GetType().Name}: {ex.Message}" +
                (ErrorOutput.IsDebug ? string.Empty : $" (set {ErrorOutput.DebugVariable}=1 for details)"));
            if (ErrorOutput.IsDebug)
            {
                await Console.Error.WriteLineAsync(ex.ToString()).ConfigureAwait(false);
            }

            return ExitCodes.InternalError;
        }
    }

    /// <summary>Maps a failed management result to an exit code.</summary>
    /// <param name="status">The status.</param>
    public static int ExitCodeFor(ManagementStatus status) => status switch
    {
        ManagementStatus.Succeeded => ExitCodes.Success,
        ManagementStatus.NotFound or ManagementStatus.RoleNotFound => ExitCodes.Failure,
        ManagementStatus.InvalidRequest => ExitCodes.Usage,
        _ => ExitCodes.PolicyDenied,
    };

    /// <summary>Returns the value of a successful result; throws a <see cref="CliException"/> for a failed one.</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="result">The result.</param>
    public static T ValueOrFail<T>(ManagementResult<T> result)
        where T : class
    {
        ThrowIfFailed(result);
        return result.Value!;
    }

    /// <summary>Throws a <see cref="CliException"/> with the result's message and exit code when it failed.</summary>
    /// <param name="result">The result.</param>
    public static void ThrowIfFailed(ManagementResult result)
    {
        if (!result.Succeeded)
        {
            string message = result.Message ?? result.Status.ToString();
            if (result.Status == ManagementStatus.LockoutPrevented)
            {
                // The tool can always create a new administrator token, so it offers a way past the guard.
                message += " With tokensdk, pass --allow-lockout to go ahead anyway.";
            }

            throw new CliException(ExitCodeFor(result.Status), message);
        }
    }
}
