package ics

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"rapport/data"
	"rapport/data/vcf"
)

// Benchmarks of the calendar's two hot paths on deterministic generated data
// (the same bytes for the same size on every run):
//
//	go test -run '^$' -bench 'ICal.*10k' -benchtime 3x ./data/ics
//	go test -run '^$' -bench 'ICal.*100k' -benchtime 1x ./data/ics
//
// Export writes n important dates and n/2 appointments of n/4 clients;
// import reads a calendar of n events, one in ten a weekly series of ten
// occurrences with an EXDATE and one in ten in a Windows zone, linked by
// attendee e-mail to 1,000 clients.

var benchZones = []string{"Europe/Berlin", "Europe/Paris", "America/New_York", "Asia/Tokyo", "UTC"}

// calendarShop is n dates and n/2 appointments, for the export benchmark.
func calendarShop(n int) *data.ShopData {
	r := rand.New(rand.NewPCG(7, uint64(n)))
	d := &data.ShopData{}
	id := func(kind byte, i int) string { return fmt.Sprintf("01900000-0000-7000-8%03x-%012x", kind, i) }
	clients := max(n/4, 1)
	for i := 0; i < clients; i++ {
		d.Contacts = append(d.Contacts, data.Contact{ID: id(1, i), Given: fmt.Sprintf("Given%d", i), Family: fmt.Sprintf("Family%d", i%997),
			Emails: []data.Email{{ID: id(2, i), Address: fmt.Sprintf("client%d@example.com", i)}}})
	}
	kinds := []string{"birthday", "anniversary", "custom"}
	for i := 0; i < n; i++ {
		k := kinds[1+i%2] // one birthday per client, the rest anniversaries and shop days
		if i < clients {
			k = kinds[0]
		}
		date := data.Date{Year: 1950 + r.IntN(70), Month: time.Month(1 + r.IntN(12)), Day: 1 + r.IntN(28)}
		if i%17 == 0 && k != "custom" {
			date.Year = 0 // year not known
		}
		if i%101 == 0 {
			date.Year, date.Month, date.Day = 1988, 2, 29
		}
		d.Dates = append(d.Dates, data.ImportantDate{ID: id(3, i), ContactID: id(1, i%clients), Kind: k, Label: map[string]string{"custom": "shop day"}[k],
			Date: date, Yearly: k != "custom", LeadDays: r.IntN(15)})
	}
	for i := 0; i < n/2; i++ {
		zone := benchZones[i%len(benchZones)]
		loc, _ := time.LoadLocation(zone)
		start := time.Date(2026, 1, 1, 9+r.IntN(9), 15*r.IntN(4), 0, 0, loc).AddDate(0, 0, r.IntN(500)-100)
		d.Appointments = append(d.Appointments, data.Appointment{ID: id(4, i), ContactID: id(1, i%clients), TZ: zone, Purpose: "Fitting",
			Start: start, End: start.Add(time.Duration(30+15*r.IntN(4)) * time.Minute), Status: data.AppointmentStatuses[i%3]})
	}
	return d
}

func benchStore(b *testing.B, d *data.ShopData) *data.Store {
	b.Helper()
	ctx := context.Background()
	s, err := data.Open(ctx, filepath.Join(b.TempDir(), "rapport.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	s.Now = func() time.Time { return fixedNow }
	if d != nil {
		if err := s.BulkLoad(ctx, d); err != nil {
			b.Fatal(err)
		}
	}
	return s
}

func BenchmarkExportICal10k(b *testing.B)  { benchExportICal(b, 10_000) }
func BenchmarkExportICal100k(b *testing.B) { benchExportICal(b, 100_000) }

func benchExportICal(b *testing.B, n int) {
	s := benchStore(b, calendarShop(n))
	b.ReportAllocs()
	b.ResetTimer()
	var st Stats
	var size countWriter
	for i := 0; i < b.N; i++ {
		size = 0
		var err error
		if st, err = Export(context.Background(), &size, s, Options{Dates: true, Appointments: true}); err != nil {
			b.Fatal(err)
		}
	}
	if st.Dates != n || st.Appointments != n/2 {
		b.Fatalf("exported %+v, want %d dates and %d appointments", st, n, n/2)
	}
	b.SetBytes(int64(size))
	b.ReportMetric(float64((n+n/2)*b.N)/b.Elapsed().Seconds(), "items/s")
}

// generatedCalendar is n VEVENTs as calendar programs write them.
func generatedCalendar(n, clients int) []byte {
	r := rand.New(rand.NewPCG(11, uint64(n)))
	var w strings.Builder
	w.WriteString("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Rapport benchmark//EN\r\n")
	for i := 0; i < n; i++ {
		day := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, r.IntN(400)-100)
		h := 9 + r.IntN(9)
		tzid := benchZones[i%len(benchZones)]
		if i%10 == 3 {
			tzid = "W. Europe Standard Time"
		}
		at := fmt.Sprintf("%s%02d%02d00", day.Format("20060102T"), h, 15*r.IntN(4))
		end := fmt.Sprintf("%s%02d%02d00", day.Format("20060102T"), h+1, 0)
		fmt.Fprintf(&w, "BEGIN:VEVENT\r\nUID:bench-%d@example.com\r\nDTSTAMP:20260101T000000Z\r\n", i)
		fmt.Fprintf(&w, "DTSTART;TZID=%s:%s\r\nDTEND;TZID=%s:%s\r\n", tzid, at, tzid, end)
		fmt.Fprintf(&w, "SUMMARY:Fitting %d\r\nSTATUS:CONFIRMED\r\n", i)
		fmt.Fprintf(&w, "ATTENDEE;CN=Client;ROLE=REQ-PARTICIPANT:mailto:client%d@example.com\r\n", i%clients)
		if i%10 == 0 {
			fmt.Fprintf(&w, "RRULE:FREQ=WEEKLY;COUNT=10\r\nEXDATE;TZID=%s:%s\r\n", tzid, day.AddDate(0, 0, 14).Format("20060102T")+at[9:])
		}
		w.WriteString("END:VEVENT\r\n")
	}
	w.WriteString("END:VCALENDAR\r\n")
	return []byte(w.String())
}

func BenchmarkImportICal10k(b *testing.B)  { benchImportICal(b, 10_000) }
func BenchmarkImportICal100k(b *testing.B) { benchImportICal(b, 100_000) }

func benchImportICal(b *testing.B, n int) {
	const clients = 1000
	shop := calendarShop(4 * clients)
	shop.Dates, shop.Appointments = nil, nil
	in := generatedCalendar(n, clients)
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	b.ResetTimer()
	var r *vcf.Report
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		s := benchStore(b, shop)
		b.StartTimer()
		r = vcf.NewReport(false)
		if err := (&Importer{Store: s, Local: time.UTC}).Import(context.Background(), "bench.ics", in, r); err != nil {
			b.Fatal(err)
		}
	}
	// n events: nine in ten single, one in ten ten occurrences less an EXDATE.
	if want := n - n/10 + 9*(n/10); r.Created != want || r.Rejected != 0 {
		b.Fatalf("created %d, rejected %d, want %d created", r.Created, r.Rejected, want)
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(r.Created*b.N)/b.Elapsed().Seconds(), "appointments/s")
}
