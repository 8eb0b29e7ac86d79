using TokenSdk.Credentials;

namespace TokenSdk.Management;

/// <summary>
/// What of a caller's input management may repeat in messages and the audit trail: a value only when it cannot be a
/// credential pasted into the wrong field, otherwise its masked form.
/// </summary>
internal static class SafeEcho
{
    public static string ClientId(string value) => CredentialGenerator.IsClientId(value) ? value : TokenMask.MaskToken(value);

    public static string Role(string value) =>
        value.Length <= 40 && DisplayText.IsSafe(value) && !value.Contains('_', StringComparison.Ordinal) && !value.StartsWith(AstraTokenFormat.Prefix, StringComparison.Ordinal)
            ? value
            : TokenMask.MaskToken(value);
}
