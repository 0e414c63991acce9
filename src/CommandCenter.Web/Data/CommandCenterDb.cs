using CommandCenter.Domain.Incidents;
using CommandCenter.Web.Features.Access;
using CommandCenter.Web.Features.Grids;
using CommandCenter.Domain.Dispatch;
using CommandCenter.Web.Features.Dispatch;
using CommandCenter.Domain.Linkage;
using CommandCenter.Web.Features.Incidents;
using CommandCenter.Web.Features.Linkage;
using CommandCenter.Web.Features.Notifications;
using CommandCenter.Web.Features.Rooms;
using CommandCenter.Domain.Patrols;
using CommandCenter.Web.Features.Patrols;
using CommandCenter.Web.Features.Plans;
using CommandCenter.Domain.Plans;
using CommandCenter.Web.Live;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using System.Text.Json;

namespace CommandCenter.Web.Data;

public sealed class CommandCenterDb(DbContextOptions<CommandCenterDb> options) : IdentityDbContext<AppUser>(options)
{
    public DbSet<District> Districts => Set<District>();
    public DbSet<Subdistrict> Subdistricts => Set<Subdistrict>();
    public DbSet<Community> Communities => Set<Community>();
    public DbSet<Grid> Grids => Set<Grid>();
    public DbSet<GridWorker> GridWorkers => Set<GridWorker>();
    public DbSet<Incident> Incidents => Set<Incident>();
    public DbSet<LiveEventRecord> LiveEvents => Set<LiveEventRecord>();
    public DbSet<LiveStreamCounter> LiveStreams => Set<LiveStreamCounter>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<KioskPairingCode> KioskPairingCodes => Set<KioskPairingCode>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<TimelineEntry> Timeline => Set<TimelineEntry>();
    public DbSet<IncidentTask> IncidentTasks => Set<IncidentTask>();
    public DbSet<RoomPresence> RoomPresence => Set<RoomPresence>();
    public DbSet<PatrolUnit> PatrolUnits => Set<PatrolUnit>();
    public DbSet<PatrolDevice> PatrolDevices => Set<PatrolDevice>();
    public DbSet<UnitPosition> UnitPositions => Set<UnitPosition>();
    public DbSet<UnitSilence> UnitSilences => Set<UnitSilence>();
    public DbSet<AssignmentRecord> Assignments => Set<AssignmentRecord>();
    public DbSet<LinkedReport> LinkedReports => Set<LinkedReport>();
    public DbSet<Place> Places => Set<Place>();
    public DbSet<LinkageUnit> LinkageUnits => Set<LinkageUnit>();
    public DbSet<LinkageAlert> LinkageAlerts => Set<LinkageAlert>();
    public DbSet<LinkageAlertEntry> LinkageAlertEntries => Set<LinkageAlertEntry>();
    public DbSet<LinkageDeadline> LinkageDeadlines => Set<LinkageDeadline>();
    public DbSet<LinkageFeedbackDelivery> LinkageFeedbackDeliveries => Set<LinkageFeedbackDelivery>();
    public DbSet<LinkageFeedbackAttempt> LinkageFeedbackAttempts => Set<LinkageFeedbackAttempt>();
    public DbSet<Notification> Notifications => Set<Notification>();
    public DbSet<LinkageAlertPhoto> LinkageAlertPhotos => Set<LinkageAlertPhoto>();
    public DbSet<PlanVersion> PlanVersions => Set<PlanVersion>();
    public DbSet<PlanRunRecord> PlanRuns => Set<PlanRunRecord>();
    public DbSet<PlanTaskRecord> PlanTasks => Set<PlanTaskRecord>();
    public DbSet<PlanRuleFiring> PlanRuleFirings => Set<PlanRuleFiring>();

    private static readonly JsonSerializerOptions LimitsJson = new(JsonSerializerDefaults.Web);

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.HasPostgresExtension("postgis");

        builder.Entity<AppUser>(e =>
        {
            e.Property(x => x.DisplayName).HasMaxLength(100);
            e.Property(x => x.UnitCode).HasMaxLength(40);
        });
        builder.Entity<KioskPairingCode>(e =>
        {
            e.ToTable("kiosk_pairing_codes");
            e.Property(x => x.CodeHash).HasMaxLength(64);
            e.Property(x => x.CreatedBy).HasMaxLength(256);
            e.HasIndex(x => x.CodeHash).IsUnique();
            e.HasOne<AppUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
        });
        builder.Entity<ApiKey>(e =>
        {
            e.ToTable("api_keys");
            e.Property(x => x.Name).HasMaxLength(100);
            e.Property(x => x.Prefix).HasMaxLength(16);
            e.Property(x => x.CreatedBy).HasMaxLength(256);
            e.HasIndex(x => x.Prefix);
        });
        builder.Entity<AuditEntry>(e =>
        {
            e.ToTable("audit_log");
            e.Property(x => x.ActorKind).HasMaxLength(20);
            e.Property(x => x.ActorId).HasMaxLength(100);
            e.Property(x => x.ActorName).HasMaxLength(256);
            e.Property(x => x.Action).HasMaxLength(60);
            e.Property(x => x.Target).HasMaxLength(300);
            e.Property(x => x.Details).HasColumnType("jsonb");
            e.Property(x => x.RemoteAddress).HasMaxLength(64);
            e.HasIndex(x => x.At);
            e.HasIndex(x => x.Action);
        });

        builder.Entity<District>(e =>
        {
            e.ToTable("districts");
            e.HasKey(x => x.Code);
            e.Property(x => x.Code).HasMaxLength(6);
            e.Property(x => x.Name).HasMaxLength(100);
            e.Property(x => x.Boundary).HasColumnType("geometry(MultiPolygon,4326)");
        });
        builder.Entity<Subdistrict>(e =>
        {
            e.ToTable("subdistricts");
            e.HasKey(x => x.Code);
            e.Property(x => x.Code).HasMaxLength(9);
            e.Property(x => x.Name).HasMaxLength(100);
            e.Property(x => x.Boundary).HasColumnType("geometry(MultiPolygon,4326)");
            e.HasOne<District>().WithMany().HasForeignKey(x => x.DistrictCode).OnDelete(DeleteBehavior.Cascade);
        });
        builder.Entity<Community>(e =>
        {
            e.ToTable("communities");
            e.HasKey(x => x.Code);
            e.Property(x => x.Code).HasMaxLength(12);
            e.Property(x => x.Name).HasMaxLength(100);
            e.Property(x => x.Boundary).HasColumnType("geometry(MultiPolygon,4326)");
            e.HasOne<Subdistrict>().WithMany().HasForeignKey(x => x.SubdistrictCode).OnDelete(DeleteBehavior.Cascade);
        });
        builder.Entity<Grid>(e =>
        {
            e.ToTable("grids");
            e.HasKey(x => x.Code);
            e.Property(x => x.Code).HasMaxLength(14);
            e.Property(x => x.Name).HasMaxLength(100);
            e.Property(x => x.Boundary).HasColumnType("geometry(MultiPolygon,4326)");
            e.HasIndex(x => x.Boundary).HasMethod("gist");
            e.HasOne<Community>().WithMany().HasForeignKey(x => x.CommunityCode).OnDelete(DeleteBehavior.Cascade);
        });
        builder.Entity<GridWorker>(e =>
        {
            e.ToTable("grid_workers");
            e.Property(x => x.Name).HasMaxLength(100);
            e.Property(x => x.Role).HasMaxLength(50);
            e.Property(x => x.Phone).HasMaxLength(50);
            e.HasOne<Grid>().WithMany().HasForeignKey(x => x.GridCode).OnDelete(DeleteBehavior.Cascade);
        });
        builder.Entity<Incident>(e =>
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
            e.Property(x => x.LeadUserId).HasMaxLength(450);
            e.Property(x => x.LeadName).HasMaxLength(256);
            e.Property(x => x.Outcome).HasMaxLength(IncidentReportRules.MaxDescriptionLength);
            e.Property(x => x.Verification).HasMaxLength(IncidentReportRules.MaxDescriptionLength);
            e.Property(x => x.CallbackNumber).HasMaxLength(CallRules.MaxCallbackLength);
            e.HasIndex(x => x.LeadUserId);
            e.Property(x => x.Location).HasColumnType("geometry(Point,4326)");
            e.HasIndex(x => x.Location).HasMethod("gist");
            e.HasIndex(x => new { x.Source, x.ExternalId }).IsUnique().HasFilter("external_id IS NOT NULL");
            e.HasIndex(x => x.Status);
            e.HasIndex(x => x.ReportedAt);
            // Replacing the grid set must not delete incidents: they are re-resolved to the new grids.
            e.HasOne<Grid>().WithMany().HasForeignKey(x => x.GridCode).OnDelete(DeleteBehavior.SetNull);
            // Stamped by the database on INSERT when not given (trigger incidents_stamp_grid).
            e.Property(x => x.GridCode).ValueGeneratedOnAdd();
        });
        builder.Entity<TimelineEntry>(e =>
        {
            e.ToTable("incident_timeline");
            e.Property(x => x.Kind).HasMaxLength(30);
            e.Property(x => x.ActorName).HasMaxLength(256);
            e.Property(x => x.Text).HasMaxLength(2000);
            e.Property(x => x.Addressee).HasMaxLength(100);
            e.HasIndex(x => new { x.IncidentId, x.At });
            e.HasOne<Incident>().WithMany().HasForeignKey(x => x.IncidentId).OnDelete(DeleteBehavior.Cascade);
        });
        builder.Entity<IncidentTask>(e =>
        {
            e.ToTable("incident_tasks");
            e.Property(x => x.Title).HasMaxLength(2000);
            e.Property(x => x.Addressee).HasMaxLength(100);
            e.Property(x => x.CreatedBy).HasMaxLength(256);
            e.HasIndex(x => x.IncidentId);
            e.HasOne<Incident>().WithMany().HasForeignKey(x => x.IncidentId).OnDelete(DeleteBehavior.Cascade);
        });
        builder.Entity<RoomPresence>(e =>
        {
            e.ToTable("room_presence");
            e.HasKey(x => x.SessionId);
            e.Property(x => x.SessionId).HasMaxLength(64);
            e.Property(x => x.UserName).HasMaxLength(256);
            e.Property(x => x.DisplayName).HasMaxLength(256);
            e.Property(x => x.Role).HasMaxLength(40);
            e.HasIndex(x => x.IncidentId);
        });
        builder.Entity<LiveEventRecord>(e =>
        {
            e.ToTable("live_events");
            e.HasKey(x => new { x.Stream, x.Seq });
            e.Property(x => x.Stream).HasMaxLength(40);
            e.Property(x => x.Type).HasMaxLength(40);
            e.Property(x => x.Payload).HasColumnType("jsonb");
            e.HasIndex(x => x.CreatedAt);
        });
        builder.Entity<LiveStreamCounter>(e =>
        {
            e.ToTable("live_streams");
            e.HasKey(x => x.Stream);
            e.Property(x => x.Stream).HasMaxLength(40);
        });
        ConfigurePatrols(builder);
        ConfigureDispatch(builder);
        ConfigureLinkage(builder);
    }

    // Patrols. The day-partitioned `positions` history is not in the model: EF cannot express
    // native partitioning, so the Patrols migration creates it in SQL and PositionWriter COPYs into it.
    private static void ConfigurePatrols(ModelBuilder builder)
    {
        builder.Entity<PatrolUnit>(e =>
        {
            e.ToTable("patrol_units");
            e.Property(x => x.Callsign).HasMaxLength(40);
            e.HasIndex(x => x.Callsign).IsUnique();
            e.Property(x => x.Source).HasMaxLength(80);
            e.Property(x => x.Kind).HasConversion(k => PatrolCodes.ToCode(k), s => ParseKind(s)).HasMaxLength(20);
            e.Property(x => x.Duty).HasConversion(d => PatrolCodes.ToCode(d), s => ParseDuty(s)).HasMaxLength(20);
        });
        builder.Entity<PatrolDevice>(e =>
        {
            e.ToTable("patrol_devices");
            e.HasKey(x => x.DeviceId);
            e.Property(x => x.DeviceId).HasMaxLength(FixRules.MaxDeviceIdLength);
            e.Property(x => x.TokenHash).HasMaxLength(64);
            e.HasIndex(x => x.UnitId);
            e.HasOne<PatrolUnit>().WithMany().HasForeignKey(x => x.UnitId).OnDelete(DeleteBehavior.Cascade);
        });
        builder.Entity<UnitSilence>(e =>
        {
            e.ToTable("unit_silences");
            e.HasKey(x => new { x.UnitId, x.LastFixAt });
            e.HasOne<PatrolUnit>().WithMany().HasForeignKey(x => x.UnitId).OnDelete(DeleteBehavior.Cascade);
        });
        builder.Entity<UnitPosition>(e =>
        {
            e.ToTable("unit_positions");
            e.HasKey(x => x.UnitId);
            // The recommender's KNN (<->) needs it: without it every position is scanned and
            // sorted (dispatch bench, 2 Dec: p99 29–65 ms at 10,000 units; with it 12 ms).
            e.HasIndex(x => x.Location).HasMethod("gist");
            e.Property(x => x.UnitId).ValueGeneratedNever();
            e.Property(x => x.Location).HasColumnType("geometry(Point,4326)");
            e.HasOne<PatrolUnit>().WithMany().HasForeignKey(x => x.UnitId).OnDelete(DeleteBehavior.Cascade);
        });
    }

    private static void ConfigureDispatch(ModelBuilder builder)
    {
        builder.Entity<AssignmentRecord>(e =>
        {
            e.ToTable("assignments");
            e.Property(x => x.Status).HasConversion(s => AssignmentCodes.ToCode(s), s => AssignmentCodes.Parse(s)).HasMaxLength(20);
            e.Property(x => x.DispatchedBy).HasMaxLength(256);
            e.HasIndex(x => x.IncidentId);
            // The last word on "never a unit in two places", whatever raced past the checks.
            e.HasIndex(x => x.UnitId).IsUnique().HasFilter("cleared_at IS NULL").HasDatabaseName("ux_assignments_active_unit");
            e.HasOne<Incident>().WithMany().HasForeignKey(x => x.IncidentId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<PatrolUnit>().WithMany().HasForeignKey(x => x.UnitId).OnDelete(DeleteBehavior.Cascade);
        });
        builder.Entity<LinkedReport>(e =>
        {
            e.ToTable("linked_reports");
            e.Property(x => x.Description).HasMaxLength(IncidentReportRules.MaxDescriptionLength);
            e.Property(x => x.CallbackNumber).HasMaxLength(CallRules.MaxCallbackLength);
            e.Property(x => x.TakenBy).HasMaxLength(256);
            e.HasIndex(x => x.IncidentId);
            e.HasOne<Incident>().WithMany().HasForeignKey(x => x.IncidentId).OnDelete(DeleteBehavior.Cascade);
        });
        builder.Entity<Place>(e =>
        {
            e.ToTable("places");
            e.Property(x => x.Name).HasMaxLength(200);
            e.Property(x => x.Kind).HasMaxLength(20);
            e.Property(x => x.Location).HasColumnType("geometry(Point,4326)");
            e.HasIndex(x => x.Name);
        });
    }

    private static void ConfigureLinkage(ModelBuilder builder)
    {
        builder.Entity<LinkageUnit>(e =>
        {
            e.ToTable("linkage_units");
            e.Property(x => x.Code).HasMaxLength(40);
            e.HasIndex(x => x.Code).IsUnique();
            e.Property(x => x.Name).HasMaxLength(200);
            e.Property(x => x.SupervisorName).HasMaxLength(100);
            e.Property(x => x.SupervisorUserName).HasMaxLength(256);
            e.Property(x => x.Limits).HasColumnType("jsonb").HasConversion(
                v => JsonSerializer.Serialize(v, LimitsJson),
                v => JsonSerializer.Deserialize<List<StepLimitRule>>(v, LimitsJson) ?? new List<StepLimitRule>(),
                new ValueComparer<List<StepLimitRule>>((a, b) => a!.SequenceEqual(b!), v => v.Aggregate(0, (h, r) => HashCode.Combine(h, r.GetHashCode())), v => v.ToList()));
            e.Property(x => x.Area).HasColumnType("geometry(MultiPolygon,4326)");
            e.HasIndex(x => x.Area).HasMethod("gist");
        });
        builder.Entity<PlanVersion>(e =>
        {
            e.ToTable("plan_versions");
            e.Property(x => x.Code).HasMaxLength(40);
            e.Property(x => x.Name).HasMaxLength(200);
            e.Property(x => x.SavedBy).HasMaxLength(256);
            e.HasIndex(x => new { x.Code, x.Version }).IsUnique();
        });
        builder.Entity<PlanRunRecord>(e =>
        {
            e.ToTable("plan_runs");
            e.Property(x => x.PlanCode).HasMaxLength(40);
            e.Property(x => x.State).HasConversion<string>().HasMaxLength(20);
            e.Property(x => x.Level).HasConversion<string>().HasMaxLength(4);
            e.Property(x => x.Pending).HasConversion<string>().HasMaxLength(4);
            e.Property(x => x.PendingReason).HasMaxLength(1000);
            e.Property(x => x.RequestedBy).HasMaxLength(256);
            e.HasOne<Incident>().WithMany().HasForeignKey(x => x.IncidentId);
            // One live run of a plan per incident: two desks activating at once make one.
            e.HasIndex(x => new { x.IncidentId, x.PlanCode }).IsUnique().HasFilter("state IN ('Idle', 'Awaiting', 'Active')")
                .HasDatabaseName("ux_plan_runs_live");
            e.HasIndex(x => x.ApprovalDueAt).HasFilter("approval_due_at IS NOT NULL");
        });
        builder.Entity<PlanRuleFiring>(e =>
        {
            e.ToTable("plan_rule_firings");
            e.Property(x => x.PlanCode).HasMaxLength(40);
            e.Property(x => x.Level).HasConversion<string>().HasMaxLength(4);
            e.Property(x => x.RuleKind).HasMaxLength(40);
            e.Property(x => x.Reason).HasMaxLength(1000);
            e.Property(x => x.Refused).HasMaxLength(80);
            e.HasOne<Incident>().WithMany().HasForeignKey(x => x.IncidentId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(x => new { x.IncidentId, x.PlanCode, x.Level }).IsUnique();
        });
        builder.Entity<PlanTaskRecord>(e =>
        {
            e.ToTable("plan_tasks");
            e.Property(x => x.Level).HasConversion<string>().HasMaxLength(4);
            e.Property(x => x.Code).HasMaxLength(40);
            e.Property(x => x.Title).HasMaxLength(200);
            e.Property(x => x.OwnerRole).HasMaxLength(40);
            e.Property(x => x.DoneBy).HasMaxLength(256);
            e.HasOne<PlanRunRecord>().WithMany().HasForeignKey(x => x.RunId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(x => new { x.RunId, x.Level, x.Code }).IsUnique();
            e.HasIndex(x => x.DueAt).HasFilter("done_at IS NULL AND overdue_noted_at IS NULL");
        });
        builder.Entity<LinkageAlertPhoto>(e =>
        {
            e.ToTable("linkage_alert_photos");
            e.Property(x => x.ContentType).HasMaxLength(40);
            e.Property(x => x.UploadedBy).HasMaxLength(256);
            e.HasIndex(x => x.AlertId);
            e.HasOne<LinkageAlert>().WithMany().HasForeignKey(x => x.AlertId).OnDelete(DeleteBehavior.Cascade);
        });
        builder.Entity<Notification>(e =>
        {
            e.ToTable("notifications");
            e.Property(x => x.Recipient).HasMaxLength(256);
            e.Property(x => x.Kind).HasMaxLength(60);
            e.Property(x => x.Subject).HasMaxLength(100);
            e.Property(x => x.Text).HasMaxLength(1000);
            e.Property(x => x.LastError).HasMaxLength(500);
            e.HasIndex(x => new { x.Recipient, x.CreatedAt }).HasFilter("opened_at IS NULL");
            e.HasIndex(x => x.Id).HasFilter("sent_at IS NULL").HasDatabaseName("ix_notifications_unsent");
        });
        builder.Entity<LinkageAlert>(e =>
        {
            e.ToTable("linkage_alerts");
            e.Property(x => x.ExternalId).HasMaxLength(300);
            e.Property(x => x.Source).HasMaxLength(80);
            e.HasIndex(x => new { x.Source, x.ExternalId }).IsUnique();
            e.Property(x => x.Format).HasMaxLength(10);
            e.Property(x => x.CapReference).HasMaxLength(400);
            e.Property(x => x.Category).HasMaxLength(40);
            e.Property(x => x.Priority).HasConversion<int>();
            e.Property(x => x.Location).HasColumnType("geometry(Point,4326)");
            e.Property(x => x.Address).HasMaxLength(IncidentReportRules.MaxAddressLength);
            e.Property(x => x.Description).HasMaxLength(IncidentReportRules.MaxDescriptionLength);
            e.Property(x => x.ReporterContact).HasMaxLength(100);
            e.Property(x => x.Feedback).HasMaxLength(IncidentReportRules.MaxDescriptionLength);
            e.Property(x => x.State).HasConversion(s => AlertLadder.Codes.ToCode(s), s => AlertLadder.Codes.ParseState(s)).HasMaxLength(20);
            e.HasIndex(x => new { x.UnitId, x.State });
            e.HasIndex(x => x.State);
            e.HasOne<LinkageUnit>().WithMany().HasForeignKey(x => x.UnitId).OnDelete(DeleteBehavior.SetNull);
            e.HasOne<Incident>().WithMany().HasForeignKey(x => x.IncidentId).OnDelete(DeleteBehavior.SetNull);
        });
        builder.Entity<LinkageAlertEntry>(e =>
        {
            e.ToTable("linkage_alert_entries");
            e.Property(x => x.Kind).HasMaxLength(30);
            e.Property(x => x.ActorName).HasMaxLength(256);
            e.Property(x => x.Text).HasMaxLength(4000);
            e.HasIndex(x => new { x.AlertId, x.At });
            e.HasOne<LinkageAlert>().WithMany().HasForeignKey(x => x.AlertId).OnDelete(DeleteBehavior.Cascade);
        });
        builder.Entity<LinkageDeadline>(e =>
        {
            e.ToTable("linkage_deadlines");
            e.Property(x => x.Step).HasConversion(s => AlertLadder.Codes.ToCode(s), s => ParseStep(s)).HasMaxLength(20);
            // The scheduler's one query: what is due and not yet fired.
            e.HasIndex(x => x.DueAt).HasFilter("fired_at IS NULL").HasDatabaseName("ix_linkage_deadlines_due");
            e.HasIndex(x => new { x.AlertId, x.Step }).IsUnique();
            e.HasOne<LinkageAlert>().WithMany().HasForeignKey(x => x.AlertId).OnDelete(DeleteBehavior.Cascade);
        });
        builder.Entity<LinkageFeedbackDelivery>(e =>
        {
            e.ToTable("linkage_feedback_deliveries");
            e.Property(x => x.Id).ValueGeneratedNever();
            e.Property(x => x.Step).HasMaxLength(20);
            e.Property(x => x.Format).HasMaxLength(10);
            e.Property(x => x.LastError).HasMaxLength(1000);
            // The sender's claim: what is neither delivered nor given up, by when it is due.
            e.HasIndex(x => x.NextAttemptAt).HasFilter("delivered_at IS NULL AND failed_at IS NULL").HasDatabaseName("ix_linkage_feedback_deliveries_due");
            e.HasIndex(x => new { x.AlertId, x.EntryId });
            e.HasIndex(x => x.EntryId).IsUnique();
            e.HasOne<LinkageAlert>().WithMany().HasForeignKey(x => x.AlertId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<LinkageAlertEntry>().WithMany().HasForeignKey(x => x.EntryId).OnDelete(DeleteBehavior.Cascade);
        });
        builder.Entity<LinkageFeedbackAttempt>(e =>
        {
            e.ToTable("linkage_feedback_attempts");
            e.Property(x => x.Error).HasMaxLength(1000);
            e.HasIndex(x => new { x.DeliveryId, x.At });
            e.HasOne<LinkageFeedbackDelivery>().WithMany().HasForeignKey(x => x.DeliveryId).OnDelete(DeleteBehavior.Cascade);
        });
    }

    private static AlertStep ParseStep(string code) => AlertLadder.Codes.TryParseStep(code, out var step) ? step : AlertStep.Feedback;

    private static UnitKind ParseKind(string code) => PatrolCodes.TryParseKind(code, out var kind) ? kind : UnitKind.StreetPatrol;

    private static DutyStatus ParseDuty(string code) => PatrolCodes.TryParseDuty(code, out var duty) ? duty : DutyStatus.Available;

    private static IncidentType ParseType(string code) =>
        IncidentCodes.TryParseType(code, out var type) ? type : IncidentType.Other;
}
