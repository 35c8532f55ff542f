package ui

import (
	"context"
	"time"

	"rapport/data"
)

// The screens reach the store through these small interfaces, one per job, so
// each screen says what it needs and nothing more. *data.Store satisfies them all.

// TodaySource gives what needs attention and acts on it.
type TodaySource interface {
	Today(ctx context.Context, days int) ([]data.TodayItem, error)
	TaskActions
	SetAppointmentStatus(ctx context.Context, id, status string) error
}

// TaskActions completes and snoozes tasks.
type TaskActions interface {
	CompleteTask(ctx context.Context, id string) error
	SnoozeTask(ctx context.Context, id string, until data.Date) error
}

// TaskSource lists tasks for the Tasks screen and adds new ones.
type TaskSource interface {
	TaskActions
	Tasks(ctx context.Context, done bool) ([]data.DueTask, error)
	AddTask(ctx context.Context, k *data.Task) error
}

// ClientRecords reads and writes one client and everything about them.
type ClientRecords interface {
	Contact(ctx context.Context, id string) (*data.Contact, error)
	SaveContact(ctx context.Context, c *data.Contact) error
	DeleteContact(ctx context.Context, id string) error
	RestoreContact(ctx context.Context, id string) error
	Preferences(ctx context.Context, contactID string) ([]data.Preference, error)
	Consents(ctx context.Context, contactID string) ([]data.Consent, error)
	ImportantDates(ctx context.Context, contactID string) ([]data.ImportantDate, error)
	Interactions(ctx context.Context, contactID string, limit int) ([]data.Interaction, error)
	DeleteInteraction(ctx context.Context, id string) error
	ContactAppointments(ctx context.Context, contactID string) ([]data.Appointment, error)
	ContactTasks(ctx context.Context, contactID string) ([]data.Task, error)
	ClientSummary(ctx context.Context, contactID string) (data.Summary, error)
}

// VisitLogger adds entries to a client's timeline; Search finds the client
// who was referred.
type VisitLogger interface {
	LogInteraction(ctx context.Context, in *data.Interaction) error
	Search(ctx context.Context, query string, limit int) ([]data.ContactSummary, error)
}

// AgendaSource lists and books appointments.
type AgendaSource interface {
	Appointments(ctx context.Context, from, to time.Time) ([]data.Appointment, error)
	AddAppointment(ctx context.Context, a *data.Appointment) error
	SetAppointmentStatus(ctx context.Context, id, status string) error
	DisplayNames(ctx context.Context, ids []string) (map[string]string, error)
	Search(ctx context.Context, query string, limit int) ([]data.ContactSummary, error)
}

// SettingsSource keeps this computer's settings and its backups.
type SettingsSource interface {
	LocalSetting(ctx context.Context, name string) (string, bool, error)
	SetLocalSetting(ctx context.Context, name, value string) error
	LastBackup() (data.Backup, bool, error)
	Backup(ctx context.Context, reason string) (data.Backup, error)
	// CheckInDays is how many days without a visit put a client on Today.
	CheckInDays(ctx context.Context) (int, error)
	// SetStaff changes the name recorded on what is logged from now on.
	SetStaff(name string)
}

// ReportSource gives the shop's figures by month, its best clients, and who
// is due to buy again.
type ReportSource interface {
	MonthlyFigures(ctx context.Context, from, to data.Date) ([]data.MonthFigures, error)
	TopClients(ctx context.Context, currency string, limit int) ([]data.TopClient, error)
	RepurchaseDue(ctx context.Context, days, limit int) ([]data.Repurchase, error)
}

// DemoLoader fills an empty client book with a generated boutique, for a
// first look around.
type DemoLoader interface {
	LoadDemo(ctx context.Context, seed int64, clients int) error
}

// Store is everything the main window needs: every screen's interface.
type Store interface {
	ClientSource
	TagLister
	TodaySource
	TaskSource
	ClientRecords
	HistorySource
	PersonalData
	ClientDetailsEditor
	ClientMerger
	VisitLogger
	AgendaSource
	SettingsSource
	ReportSource
	DemoLoader
	LoyaltySource
	OutreachSource
}

var _ Store = (*data.Store)(nil)

// CalendarFeed is the calendar file the app keeps up to date while it is
// open. The command line owns its format, so the window is handed this.
type CalendarFeed interface {
	// FeedFile is the file kept, "" when there is none.
	FeedFile(ctx context.Context) (string, error)
	// SetFeedFile keeps path from now on (dates, appointments and tasks); "" stops the feed.
	SetFeedFile(ctx context.Context, path string) error
}

// StaffSetting is the local setting that names the person using this computer.
const StaffSetting = "staff"

// LeadDaysSetting is the local setting of how many days ahead a new birthday
// or date is reminded of, when it is added in the app.
const LeadDaysSetting = "lead days"
