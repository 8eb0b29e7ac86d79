using System.Runtime.CompilerServices;

// Hot paths stackalloc scratch buffers (token hashes, UTF-8 of secrets) and always write before reading them;
// zeroing them first is measurable work on every verification.
[module: SkipLocalsInit]
