using System.Text;
using CommandCenter.Domain.Grids;
using CommandCenter.GridGen;

// Generates the synthetic demo grid set for a district boundary, deterministically:
//   dotnet run --project src/CommandCenter.GridGen -- <district.geojson> <grids.geojson>
// The result is validated exactly as the importer will validate it; a file that does not tile
// the district is not written. The district file itself comes from:
//   dotnet run --project src/CommandCenter.GridGen -- extract-district <city.geojson> <name> <code> <district.geojson>
if (args is ["extract-district", var source, var name, var code, var target])
    return DistrictExtract.Run(source, name, code, target);
if (args.Length != 2)
{
    Console.Error.WriteLine("Usage: CommandCenter.GridGen <district.geojson> <grids.geojson>");
    Console.Error.WriteLine("       CommandCenter.GridGen extract-district <city.geojson> <name> <code> <district.geojson>");
    return 2;
}

var district = GeoJsonFiles.ReadDistrict(args[0]);
var lattice = CellLattice.Create(district.Boundary);
var json = GeoJsonFiles.WriteGrids(Territory.Plan(district, lattice));

var written = GeoJsonFiles.ReadGrids(json);
var problems = GridSetValidator.Validate(written, district.Boundary, new GridValidationOptions { DistrictCode = district.Code });
if (problems.Count > 0)
{
    Console.Error.WriteLine($"The generated grid set does not validate ({problems.Count} problem(s)); nothing written.");
    foreach (var p in problems) Console.Error.WriteLine($"  {p.Code ?? $"#{p.FeatureIndex}"}: {p.Message}");
    return 1;
}

File.WriteAllText(args[1], json, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
Console.WriteLine(
    $"Wrote {written.Count} grids in {written.Select(g => g.CommunityCode).Distinct().Count()} communities and " +
    $"{written.Select(g => g.SubdistrictCode).Distinct().Count()} subdistricts of {district.Name} ({district.Code}) to {args[1]}");
return 0;
