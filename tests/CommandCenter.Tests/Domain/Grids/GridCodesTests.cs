using CommandCenter.Domain.Grids;

namespace CommandCenter.Tests.Domain.Grids;

public class GridCodesTests
{
    [Theory]
    [InlineData("33010200100101", true)]
    [InlineData("3301020010010", false)]    // 13 digits
    [InlineData("330102001001011", false)]  // 15 digits
    [InlineData("3301020010010A", false)]
    [InlineData("33010200100100", false)]   // grid 00: sequences start at 1
    [InlineData("３３０１０２００１００１０１", false)] // full-width digits
    [InlineData("", false)]
    [InlineData(null, false)]
    public void A_grid_code_is_fourteen_ascii_digits_with_a_nonzero_grid_number(string? code, bool expected) =>
        Assert.Equal(expected, GridCodes.IsGridCode(code));

    [Fact]
    public void Each_level_has_its_own_length()
    {
        Assert.True(GridCodes.IsDistrictCode("330102"));
        Assert.True(GridCodes.IsSubdistrictCode("330102001"));
        Assert.True(GridCodes.IsCommunityCode("330102001001"));
        Assert.False(GridCodes.IsCommunityCode("330102001"));
        Assert.False(GridCodes.IsSubdistrictCode("330102000"));
    }

    [Fact]
    public void The_parents_of_a_grid_are_read_from_its_prefix()
    {
        Assert.Equal("330102005003", GridCodes.CommunityOf("33010200500307"));
        Assert.Equal("330102005", GridCodes.SubdistrictOf("33010200500307"));
        Assert.Equal("330102005", GridCodes.SubdistrictOf("330102005003"));
        Assert.Equal("330102", GridCodes.DistrictOf("33010200500307"));
        Assert.Equal("330102", GridCodes.DistrictOf("330102005"));
        Assert.Equal(7, GridCodes.SequenceOf("33010200500307"));
    }

    [Fact]
    public void Asking_for_the_parent_of_something_that_is_not_a_code_is_an_error()
    {
        Assert.Throws<ArgumentException>(() => GridCodes.CommunityOf("330102005003"));
        Assert.Throws<ArgumentException>(() => GridCodes.DistrictOf("330102"));
    }

    [Theory]
    [InlineData("33010200100101", "330102001001", true)]
    [InlineData("33010200100101", "330102001002", false)]  // another community
    [InlineData("33010200100101", "330102001", false)]     // two levels up, not directly
    [InlineData("330102001001", "330102001", true)]
    [InlineData("330102001", "330102", true)]
    [InlineData("330103001", "330102", false)]
    [InlineData(null, "330102", false)]
    public void A_code_is_directly_under_the_parent_whose_code_it_starts_with(string? child, string parent, bool expected) =>
        Assert.Equal(expected, GridCodes.IsDirectlyUnder(child, parent));

    [Fact]
    public void Child_codes_are_the_parent_plus_a_zero_padded_sequence()
    {
        Assert.Equal("330102006", GridCodes.Subdistrict("330102", 6));
        Assert.Equal("330102006012", GridCodes.Community("330102006", 12));
        Assert.Equal("33010200601203", GridCodes.Grid("330102006012", 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => GridCodes.Grid("330102006012", 100));
        Assert.Throws<ArgumentOutOfRangeException>(() => GridCodes.Grid("330102006012", 0));
        Assert.Throws<ArgumentException>(() => GridCodes.Grid("330102006", 1));
    }
}
