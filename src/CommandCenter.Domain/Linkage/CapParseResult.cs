using System.Diagnostics.CodeAnalysis;

namespace CommandCenter.Domain.Linkage;

// Bounds on what the parser will read from an outside agency before it gives up.
public sealed record CapLimits(
    int MaxDocumentBytes = CapLimits.DefaultMaxDocumentBytes,
    int MaxDepth = CapLimits.DefaultMaxDepth,
    int MaxInfos = 16,
    int MaxAreasPerInfo = 32,
    int MaxPointsPerPolygon = 2000)
{
    public const int DefaultMaxDocumentBytes = 256 * 1024;

    // alert/info/area/geocode/value is five levels; 32 leaves room for extensions and stops runaway nesting.
    public const int DefaultMaxDepth = 32;

    public static CapLimits Default { get; } = new();
}

// Field is a path into the alert ("sent", "info[0].area[0].polygon"): containers carry an index,
// repeated leaf elements do not and the message says which one.
public sealed record CapProblem(string Field, string Message);

public sealed class CapParseResult
{
    private CapParseResult(CapMessage? message, IReadOnlyList<CapProblem> problems)
    {
        Message = message;
        Problems = problems;
    }

    public CapMessage? Message { get; }

    public IReadOnlyList<CapProblem> Problems { get; }

    [MemberNotNullWhen(true, nameof(Message))]
    public bool IsValid => Message is not null;

    public static CapParseResult Valid(CapMessage message) => new(message, []);

    public static CapParseResult Invalid(IReadOnlyList<CapProblem> problems) =>
        problems.Count == 0
            ? throw new ArgumentException("An invalid result needs at least one problem.", nameof(problems))
            : new(null, problems);

    // The shape ValidationProblem / HttpValidationProblemDetails takes for a 400 body.
    public IReadOnlyDictionary<string, string[]> ToErrorDictionary() =>
        Problems.GroupBy(p => p.Field, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(p => p.Message).ToArray(), StringComparer.Ordinal);
}
