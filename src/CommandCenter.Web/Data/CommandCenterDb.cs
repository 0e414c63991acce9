using CommandCenter.Domain.Incidents;
using CommandCenter.Domain.Patrols;
using CommandCenter.Web.Features.Grids;
using CommandCenter.Web.Features.Incidents;
using CommandCenter.Web.Features.Patrols;
using CommandCenter.Web.Live;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Web.Data;

public sealed class CommandCenterDb(DbContextOptions<CommandCenterDb> options) : DbContext(options)
{
    public DbSet<District> Districts => Set<District>();
    public DbSet<Subdistrict> Subdistricts => Set<Subdistrict>();
    public DbSet<Community> Communities => Set<Community>();
    public DbSet<Grid> Grids => Set<Grid>();
    public DbSet<GridWorker> GridWorkers => Set<GridWorker>();
    public DbSet<Incident> Incidents => Set<Incident>();
    public DbSet<LiveEventRecord> LiveEvents => Set<LiveEventRecord>();
    public DbSet<LiveStreamCounter> LiveStreams => Set<LiveStreamCounter>();
    public DbSet<PatrolUnit> PatrolUnits => Set<PatrolUnit>();
    public DbSet<PatrolDevice> PatrolDevices => Set<PatrolDevice>();
    public DbSet<UnitPosition> UnitPositions => Set<UnitPosition>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasPostgresExtension("postgis");

        modelBuilder.Entity<District>(e =>
        {
            e.ToTable("districts");
            e.HasKey(x => x.Code);
            e.Property(x => x.Code).HasMaxLength(6);
            e.Property(x => x.Name).HasMaxLength(100);
            e.Property(x => x.Boundary).HasColumnType("geometry(MultiPolygon,4326)");
        });
        modelBuilder.Entity<Subdistrict>(e =>
        {
            e.ToTable("subdistricts");
            e.HasKey(x => x.Code);
            e.Property(x => x.Code).HasMaxLength(9);
            e.Property(x => x.Name).HasMaxLength(100);
            e.Property(x => x.Boundary).HasColumnType("geometry(MultiPolygon,4326)");
            e.HasOne<District>().WithMany().HasForeignKey(x => x.DistrictCode).OnDelete(DeleteBehavior.Cascade);
        });
        modelBuilder.Entity<Community>(e =>
        {
            e.ToTable("communities");
            e.HasKey(x => x.Code);
            e.Property(x => x.Code).HasMaxLength(12);
            e.Property(x => x.Name).HasMaxLength(100);
            e.Property(x => x.Boundary).HasColumnType("geometry(MultiPolygon,4326)");
            e.HasOne<Subdistrict>().WithMany().HasForeignKey(x => x.SubdistrictCode).OnDelete(DeleteBehavior.Cascade);
        });
        modelBuilder.Entity<Grid>(e =>
        {
            e.ToTable("grids");
            e.HasKey(x => x.Code);
            e.Property(x => x.Code).HasMaxLength(14);
            e.Property(x => x.Name).HasMaxLength(100);
            e.Property(x => x.Boundary).HasColumnType("geometry(MultiPolygon,4326)");
            e.HasIndex(x => x.Boundary).HasMethod("gist");
            e.HasOne<Community>().WithMany().HasForeignKey(x => x.CommunityCode).OnDelete(DeleteBehavior.Cascade);
        });
        modelBuilder.Entity<GridWorker>(e =>
        {
            e.ToTable("grid_workers");
            e.Property(x => x.Name).HasMaxLength(100);
            e.Property(x => x.Role).HasMaxLength(50);
            e.Property(x => x.Phone).HasMaxLength(50);
            e.HasOne<Grid>().WithMany().HasForeignKey(x => x.GridCode).OnDelete(DeleteBehavior.Cascade);
        });
        modelBuilder.Entity<Incident>(e =>
        {
            e.ToTable("incidents");
            e.Property(x => x.Type).HasConversion(t => IncidentCodes.ToCode(t), s => ParseType(s)).HasMaxLength(40);
            e.Property(x => x.Priority).HasConversion<int>();
            e.Property(x => x.Status).HasConversion<string>().HasMaxLength(20);
            e.Property(x => x.Title).HasMaxLength(IncidentReportRules.MaxTitleLength);
            e.Property(x => x.Description).HasMaxLength(IncidentReportRules.MaxDescriptionLength);
            e.Property(x => x.Address).HasMaxLength(IncidentReportRules.MaxAddressLength);
            e.Property(x => x.Source).HasMaxLength(40);
            e.Property(x => x.ExternalId).HasMaxLength(IncidentReportRules.MaxExternalIdLength);
            e.Property(x => x.Location).HasColumnType("geometry(Point,4326)");
            e.HasIndex(x => x.Location).HasMethod("gist");
            e.HasIndex(x => new { x.Source, x.ExternalId }).IsUnique().HasFilter("external_id IS NOT NULL");
            e.HasIndex(x => x.Status);
            e.HasIndex(x => x.ReportedAt);
            // Replacing the grid set must not delete incidents: they are re-resolved to the new grids.
            e.HasOne<Grid>().WithMany().HasForeignKey(x => x.GridCode).OnDelete(DeleteBehavior.SetNull);
        });
        modelBuilder.Entity<LiveEventRecord>(e =>
        {
            e.ToTable("live_events");
            e.HasKey(x => new { x.Stream, x.Seq });
            e.Property(x => x.Stream).HasMaxLength(40);
            e.Property(x => x.Type).HasMaxLength(40);
            e.Property(x => x.Payload).HasColumnType("jsonb");
            e.HasIndex(x => x.CreatedAt);
        });
        modelBuilder.Entity<LiveStreamCounter>(e =>
        {
            e.ToTable("live_streams");
            e.HasKey(x => x.Stream);
            e.Property(x => x.Stream).HasMaxLength(40);
        });
        ConfigurePatrols(modelBuilder);
    }

    // Patrols. The day-partitioned `positions` history is not in the model: EF cannot express
    // native partitioning, so the Patrols migration creates it in SQL and PositionWriter COPYs into it.
    private static void ConfigurePatrols(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<PatrolUnit>(e =>
        {
            e.ToTable("patrol_units");
            e.Property(x => x.Callsign).HasMaxLength(40);
            e.HasIndex(x => x.Callsign).IsUnique();
            e.Property(x => x.Kind).HasConversion(k => PatrolCodes.ToCode(k), s => ParseKind(s)).HasMaxLength(20);
            e.Property(x => x.Duty).HasConversion(d => PatrolCodes.ToCode(d), s => ParseDuty(s)).HasMaxLength(20);
        });
        modelBuilder.Entity<PatrolDevice>(e =>
        {
            e.ToTable("patrol_devices");
            e.HasKey(x => x.DeviceId);
            e.Property(x => x.DeviceId).HasMaxLength(FixRules.MaxDeviceIdLength);
            e.Property(x => x.TokenHash).HasMaxLength(64);
            e.HasIndex(x => x.UnitId);
            e.HasOne<PatrolUnit>().WithMany().HasForeignKey(x => x.UnitId).OnDelete(DeleteBehavior.Cascade);
        });
        modelBuilder.Entity<UnitPosition>(e =>
        {
            e.ToTable("unit_positions");
            e.HasKey(x => x.UnitId);
            e.Property(x => x.UnitId).ValueGeneratedNever();
            e.Property(x => x.Location).HasColumnType("geometry(Point,4326)");
            e.HasOne<PatrolUnit>().WithMany().HasForeignKey(x => x.UnitId).OnDelete(DeleteBehavior.Cascade);
        });
    }

    private static UnitKind ParseKind(string code) => PatrolCodes.TryParseKind(code, out var kind) ? kind : UnitKind.StreetPatrol;

    private static DutyStatus ParseDuty(string code) => PatrolCodes.TryParseDuty(code, out var duty) ? duty : DutyStatus.Available;

    private static IncidentType ParseType(string code) =>
        IncidentCodes.TryParseType(code, out var type) ? type : IncidentType.Other;
}
