using System.Globalization;

namespace CommandCenter.Domain.Grids;

// Codes of the four-level network, after CJ/T 349-2010: the district's GB/T 2260 code (6 digits),
// then 3 digits of subdistrict, 3 of community and 2 of grid, each level prefixed by its parent.
// A level's own segment is a sequence number from 1, so an all-zero segment is not a code.
public static class GridCodes
{
    public const int DistrictLength = 6;
    public const int SubdistrictLength = 9;
    public const int CommunityLength = 12;
    public const int GridLength = 14;

    public static bool IsDistrictCode(string? code) => IsCode(code, DistrictLength, 0);
    public static bool IsSubdistrictCode(string? code) => IsCode(code, SubdistrictLength, DistrictLength);
    public static bool IsCommunityCode(string? code) => IsCode(code, CommunityLength, SubdistrictLength);
    public static bool IsGridCode(string? code) => IsCode(code, GridLength, CommunityLength);

    public static string CommunityOf(string gridCode) =>
        IsGridCode(gridCode) ? gridCode[..CommunityLength] : throw NotA("grid", gridCode, nameof(gridCode));

    public static string SubdistrictOf(string code) =>
        IsGridCode(code) || IsCommunityCode(code) ? code[..SubdistrictLength] : throw NotA("grid or community", code, nameof(code));

    public static string DistrictOf(string code) =>
        IsGridCode(code) || IsCommunityCode(code) || IsSubdistrictCode(code)
            ? code[..DistrictLength]
            : throw NotA("grid, community or subdistrict", code, nameof(code));

    // The grid's number inside its community, 1..99.
    public static int SequenceOf(string gridCode) =>
        IsGridCode(gridCode) ? int.Parse(gridCode.AsSpan(CommunityLength), CultureInfo.InvariantCulture) : throw NotA("grid", gridCode, nameof(gridCode));

    // True when child is a valid code exactly one level below parent and carries its prefix:
    // a grid under its community, a community under its subdistrict, a subdistrict under its district.
    public static bool IsDirectlyUnder(string? child, string? parent) =>
        child is not null && parent is not null && child.StartsWith(parent, StringComparison.Ordinal) && (
            (IsGridCode(child) && IsCommunityCode(parent)) ||
            (IsCommunityCode(child) && IsSubdistrictCode(parent)) ||
            (IsSubdistrictCode(child) && IsDistrictCode(parent)));

    public static string Subdistrict(string districtCode, int sequence) => Child(districtCode, IsDistrictCode, "district", sequence, 3);
    public static string Community(string subdistrictCode, int sequence) => Child(subdistrictCode, IsSubdistrictCode, "subdistrict", sequence, 3);
    public static string Grid(string communityCode, int sequence) => Child(communityCode, IsCommunityCode, "community", sequence, 2);

    private static string Child(string parent, Func<string, bool> isParent, string parentLevel, int sequence, int digits)
    {
        if (!isParent(parent)) throw NotA(parentLevel, parent, nameof(parent));
        var max = digits == 2 ? 99 : 999;
        ArgumentOutOfRangeException.ThrowIfLessThan(sequence, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(sequence, max);
        return parent + sequence.ToString(digits == 2 ? "D2" : "D3", CultureInfo.InvariantCulture);
    }

    private static bool IsCode(string? code, int length, int parentLength)
    {
        if (code is null || code.Length != length) return false;
        foreach (var c in code)
            if (!char.IsAsciiDigit(c)) return false;
        return code.AsSpan(parentLength).ContainsAnyExcept('0');
    }

    private static ArgumentException NotA(string level, string? code, string parameter) =>
        new($"'{code}' is not a {level} code.", parameter);
}
