using System.CommandLine;
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
    /// <summary>Makes <paramref name="body"/> the command's action, run through <see cref="RunAsync"/>.</summary>
    /// <param name="command">The command.</param>
    /// <param name="environment">The environment of the invocation the command tree was built for.</param>
    /// <param name="body">The command: reads its own options from the parse result; returns its exit code.</param>
    public static void SetAction(Command command, CliEnvironment environment, Func<ParseResult, CliContext, CancellationToken, Task<int>> body) =>
        command.SetAction((parse, cancellationToken) => RunAsync(
            environment, ct => body(parse, CliContext.From(environment, parse), ct), cancellationToken));

    /// <summary>Runs <paramref name="body"/>.</summary>
    /// <param name="environment">Where failures are written.</param>
    /// <param name="body">The command; returns its exit code.</param>
    /// <param name="cancellationToken">Cancelled on Ctrl+C.</param>
    /// <returns>The exit code.</returns>
    public static async Task<int> RunAsync(CliEnvironment environment, Func<CancellationToken, Task<int>> body, CancellationToken cancellationToken)
    {
        try
        {
            return await body(cancellationToken).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Every failure becomes one line and an exit code, not a crash dump (Report sorts them).
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return Report(ex, environment.Errors, cancellationToken);
        }
    }

    /// <summary>Writes one line for a failure and returns its exit code.</summary>
    /// <param name="exception">The failure.</param>
    /// <param name="errors">Standard error.</param>
    /// <param name="cancellationToken">The invocation's token: a cancellation it requested is an interruption.</param>
    /// <returns>The exit code.</returns>
    public static int Report(Exception exception, ErrorOutput errors, CancellationToken cancellationToken)
    {
        switch (exception)
        {
            case CliException ex:
                errors.Error(ex.Message);
                return ex.ExitCode;
            case TokenManagementException ex:
                errors.Error(ex.Message);
                return ExitCodeFor(ex.Status);
            case TokenStoreException ex:
                errors.Error(ex.Message);
                return ExitCodes.StoreError;
            case UnauthorizedAccessException ex:
                errors.Error("no permission: " + ex.Message);
                return ExitCodes.StoreError;
            case IOException ex:
                errors.Error(ex.Message);
                return ExitCodes.StoreError;
            case OptionsValidationException ex:
                errors.Error(ex.Message);
                return ExitCodes.Usage;
            case OperationCanceledException when cancellationToken.IsCancellationRequested:
                errors.Error("cancelled.");
                return ExitCodes.Cancelled;
            default:
                // The tool's last line of defence: the message, and the stack trace only when asked for.
                errors.Error($"unexpected {exception.GetType().Name}: {exception.Message}" +
                    (errors.IsDebug ? string.Empty : $" (set {ErrorOutput.DebugVariable}=1 for details)"));
                if (errors.IsDebug)
                {
                    errors.Details(exception.ToString());
                }

                return ExitCodes.InternalError;
        }
    }

    /// <summary>Maps a failed management result to an exit code.</summary>
    /// <param name="status">The status.</param>
    public static int ExitCodeFor(ManagementStatus status) => status switch
    {
        ManagementStatus.Succeeded => ExitCodes.Success,
        ManagementStatus.NotFound or ManagementStatus.RoleNotFound or ManagementStatus.Conflict => ExitCodes.Failure,
        ManagementStatus.InvalidRequest => ExitCodes.Usage,
        ManagementStatus.PreconditionFailed => ExitCodes.VersionMismatch,
        ManagementStatus.RoleInUse => ExitCodes.RoleInUse,
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
            throw new CliException(ExitCodeFor(result.Status), result.Message ?? result.Status.ToString());
        }
    }
}
