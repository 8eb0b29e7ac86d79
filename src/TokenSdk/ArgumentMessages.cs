namespace TokenSdk;

/// <summary>Turns argument exceptions into messages for people (results, validation errors).</summary>
internal static class ArgumentMessages
{
    /// <summary>The message without the " (Parameter 'x')" suffix the runtime appends.</summary>
    public static string WithoutParameterName(ArgumentException ex) =>
        ex.ParamName is null ? ex.Message : ex.Message.Replace($" (Parameter '{ex.ParamName}')", "", StringComparison.Ordinal);
}
