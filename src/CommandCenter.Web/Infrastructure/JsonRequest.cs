using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CommandCenter.Web.Infrastructure;

// Reads a JSON request body ourselves (instead of minimal-API binding) so that every bad body
// — too large, malformed, wrong type — gets a problem-details answer that names the field.
public static class JsonRequest
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        // "NaN"/"Infinity" arrive as values and fail validation with the field's name.
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    // The value, or the problem to answer: Invalid (400, naming the field) or TooLarge (413).
    public readonly record struct Body<T>(T? Value, ValidationProblem? Invalid, ProblemHttpResult? TooLarge)
    {
        // Either problem, for a handler that answers it as it is.
        public IResult? Problem => (IResult?)TooLarge ?? Invalid;
    }

    public static async Task<Body<T>> ReadAsync<T>(HttpRequest request, int maxBytes, CancellationToken ct)
        where T : class
    {
        // The media type was checked before routing reached here (ApiRequestGuard: application/json, else 415).
        using var body = await RequestBody.ReadAsync(request, maxBytes, ct);
        if (body is null) return new(null, null, TooLarge(maxBytes));
        if (body.Length == 0) return new(null, Invalid("body", "The request body is empty; send a JSON object."), null);

        try
        {
            var value = JsonSerializer.Deserialize<T>(body.Span, Options);
            return value is null ? new(null, Invalid("body", "The request body must be a JSON object, not null."), null) : new(value, null, null);
        }
        catch (JsonException ex)
        {
            var field = FieldOf(ex.Path);
            return new(null, Invalid(field, $"Malformed JSON{(field == "body" ? "" : $" at '{field}'")}: {FirstSentence(ex.Message)}"), null);
        }
    }

    public static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, title: "The request is not valid.");

    public static ProblemHttpResult TooLarge(int maxBytes) =>
        TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Request body too large",
            detail: $"The body may be at most {maxBytes} bytes.", extensions: new Dictionary<string, object?> { ["field"] = "body" });

    // "$.latitude" → "latitude"; "$" or unknown → "body".
    private static string FieldOf(string? path) =>
        string.IsNullOrEmpty(path) || path == "$" ? "body" : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path;

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(". Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] + "." : message;
    }
}
