using System.Diagnostics;
using TokenSdk.Diagnostics;

namespace TokenSdk.Management;

/// <summary>The trace of one management operation: started with who acts where, finished with its outcome.</summary>
internal static class ManagementActivity
{
    /// <summary>Starts <paramref name="name"/> (<c>tokensdk.token.generate</c>, <c>tokensdk.role.create</c>, ...) when someone listens.</summary>
    public static Activity? Start(string name, string operation, TokenCaller caller)
    {
        Activity? activity = TokenSdkDiagnostics.ActivitySource.StartActivity(name);
        if (activity is not null)
        {
            activity.SetTag("tokensdk.operation", operation);
            activity.SetTag("tokensdk.organization", caller.OrganizationId);
            activity.SetTag("tokensdk.actor", caller.Id);
        }

        return activity;
    }

    /// <summary>Tags the outcome (an error status on failure) and returns <paramref name="result"/>.</summary>
    public static T Finish<T>(Activity? activity, T result)
        where T : ManagementResult
    {
        if (activity is not null)
        {
            activity.SetTag("tokensdk.status", result.Status.ToString());
            if (!result.Succeeded)
            {
                activity.SetStatus(ActivityStatusCode.Error, result.Status.ToString());
            }
        }

        return result;
    }
}
