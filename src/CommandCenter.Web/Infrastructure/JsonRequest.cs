using System.Text.Json;
using System.Text.Json.Serialization;

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

    public static async Task<(T? Value, IResult? Problem)> ReadAsync<T>(HttpRequest request, int maxBytes, CancellationToken ct)
        where T : class
    {
        // The media type was checked before routing reached here (ApiRequestGuard: application/json, else 415).
        var (buffer, tooLarge) = await ReadBodyAsync(request, maxBytes, ct);
        if (tooLarge is not null) return (null, tooLarge);
        if (buffer!.Length == 0) return (null, Invalid("body", "The request body is empty; send a JSON object."));

        try
        {
            var value = JsonSerializer.Deserialize<T>(buffer, Options);
            return value is null ? (null, Invalid("body", "The request body must be a JSON object, not null.")) : (value, null);
        }
        catch (JsonException ex)
        {
            var field = FieldOf(ex.Path);
            return (null, Invalid(field, $"Malformed JSON{(field == "body" ? "" : $" at '{field}'")}: {FirstSentence(ex.Message)}"));
        }
    }

    // The raw body, or a 413 problem as soon as it passes maxBytes (declared or actually sent).
    public static async Task<(byte[]? Body, IResult? TooLarge)> ReadBodyAsync(HttpRequest request, int maxBytes, CancellationToken ct)
    {
        if (request.ContentLength > maxBytes) return (null, TooLarge(maxBytes));
        using var buffer = new MemoryStream((int)Math.Clamp(request.ContentLength ?? 16 * 1024, 0, maxBytes));
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > maxBytes) return (null, TooLarge(maxBytes));
            buffer.Write(chunk, 0, read);
        }
        return (buffer.ToArray(), null);
    }

    public static IResult Invalid(string field, string message) =>
        Results.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, title: "The request is not valid.");

    public static IResult TooLarge(int maxBytes) =>
        Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Request body too large",
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
