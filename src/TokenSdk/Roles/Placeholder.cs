namespace TokenSdk.Roles;

internal static class Placeholder;
