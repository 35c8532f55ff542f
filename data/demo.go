package data

import (
	"bytes"
	"context"
	"encoding/binary"
	"image"
	"image/color"
	"image/png"
	"math"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // the demo's appointments are in named zones, on every system
	"unicode"

	"github.com/google/uuid"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// LoadDemo fills the store with the made-up client book of GenerateShop,
// for trying Rapport out and for measuring it. The shop is in Berlin: set
// Region to "DE" so that the numbers typed without +49 are read.
func (s *Store) LoadDemo(ctx context.Context, seed int64, clients int) error {
	return s.BulkLoad(ctx, GenerateShop(seed, clients, s.Now()))
}

// GenerateShop makes the client book of a made-up boutique in Berlin with the
// given number of clients, the same for the same seed and now: names from many
// languages, phone numbers as people type them, tags, sizes and tastes,
// birthdays and anniversaries, consent, about ten timeline entries per client
// over the years before now, appointments past and coming, tasks, and a photo
// on a few. Every id is set, and derived from the seed.
func GenerateShop(seed int64, clients int, now time.Time) *ShopData {
	g := &demoShop{
		r:      rand.New(rand.NewPCG(uint64(seed), 0x7261707061726f74)),
		now:    now.UTC().Truncate(time.Millisecond),
		d:      &ShopData{},
		locals: map[string]string{},
		emails: map[string]bool{},
	}
	g.ids = demoIDs{ms: uint64(g.now.UnixMilli()) - 86_400_000, r: rand.New(rand.NewPCG(uint64(seed), 0x6964730000000000))}
	g.berlin, _ = time.LoadLocation("Europe/Berlin")
	if g.berlin == nil {
		g.berlin = time.UTC
	}
	g.run(clients)
	return g.d
}

// demoIDs issues UUIDv7s in order from a fixed start, with random bits from its
// own generator, so that ids are the same for a seed and sorted like real ones.
type demoIDs struct {
	ms, seq uint64
	r       *rand.Rand
}

func (g *demoIDs) next() string {
	g.seq++
	var u uuid.UUID
	ms := g.ms + g.seq>>12
	u[0], u[1], u[2], u[3], u[4], u[5] = byte(ms>>40), byte(ms>>32), byte(ms>>24), byte(ms>>16), byte(ms>>8), byte(ms)
	u[6] = 0x70 | byte(g.seq>>8)&0x0f
	u[7] = byte(g.seq)
	binary.BigEndian.PutUint64(u[8:], g.r.Uint64())
	u[8] = u[8]&0x3f | 0x80
	return u.String()
}

type demoShop struct {
	r      *rand.Rand
	ids    demoIDs
	now    time.Time
	berlin *time.Location
	d      *ShopData
	people []demoPerson
	locals map[string]string // demoEmailLocal of the names seen
	emails map[string]bool   // addresses given out: no two clients share one
}

// uniqueEmail gives local@domain, or local2@domain, local3@domain... when
// another client has it already, as mail providers do. Two clients with one
// address would be one person to a vCard import's matching.
func (g *demoShop) uniqueEmail(local, domain string) string {
	addr := local + "@" + domain
	for n := 2; g.emails[addr]; n++ {
		addr = local + strconv.Itoa(n) + "@" + domain
	}
	g.emails[addr] = true
	return addr
}

// local is demoEmailLocal, remembered: the names come from short lists.
func (g *demoShop) local(name string) string {
	l, ok := g.locals[name]
	if !ok {
		l = demoEmailLocal(name)
		g.locals[name] = l
	}
	return l
}

// demoPerson is what the generator keeps about a client while it makes the rest.
type demoPerson struct {
	id       string
	loc      *demoLocale
	female   bool
	abroad   bool // lives in the home country of loc rather than in Berlin
	since    time.Time
	activity float64 // 1 is an average client
	name     string
	given    string
	hasEmail bool
	mobile   bool
	address  bool
	vip      bool
	bridal   bool
}

type demoLocale struct {
	country      string // ISO 3166, of the names' home country
	weight       int
	female, male []string
	family       []string
	domains      []string
	cities       []string // "postal code|town|region" of the home country
	streets      []string
	phones       []string // international formats, X a random digit
	currency     string
}

func (g *demoShop) run(n int) {
	g.people = make([]demoPerson, n)
	// Room for what the rates below give, so that a shop of 100,000 is not
	// copied over and over as it grows.
	g.d.Contacts = make([]Contact, 0, n)
	g.d.Interactions = make([]Interaction, 0, n*21/2)
	g.d.Preferences = make([]Preference, 0, n*3/2)
	g.d.Consents = make([]Consent, 0, n*8/5)
	g.d.Appointments = make([]Appointment, 0, n*3/4)
	g.d.Dates = make([]ImportantDate, 0, n/6)
	g.d.Tasks = make([]Task, 0, n/4+10)
	for i := range g.people {
		g.people[i].id = g.ids.next()
	}
	total := 0
	for i := range demoLocales {
		total += demoLocales[i].weight
	}
	for i := range g.people {
		g.contact(i, total)
	}
	for i := range g.people {
		g.timeline(i)
	}
	g.shopTasks(n)
}

func (g *demoShop) chance(p float64) bool { return g.r.Float64() < p }

func (g *demoShop) pick(list []string) string { return list[g.r.IntN(len(list))] }

// skewed picks from a list ordered from common to rare.
func (g *demoShop) skewed(list []string) string {
	return list[int(float64(len(list))*math.Pow(g.r.Float64(), 2.2))]
}

func (g *demoShop) digits(pattern string) string {
	b := []byte(pattern)
	for i, c := range b {
		if c == 'X' {
			b[i] = byte('0' + g.r.IntN(10))
		}
	}
	return string(b)
}

// between is a random instant in [from, to).
func (g *demoShop) between(from, to time.Time) time.Time {
	span := to.Sub(from)
	if span <= 0 {
		return from
	}
	return from.Add(time.Duration(g.r.Int64N(int64(span)))).Truncate(time.Millisecond)
}

// shopHours moves an instant to a time the shop is open on that day (Monday
// to Saturday, 10:00 to 19:00 in Berlin).
func (g *demoShop) shopHours(t time.Time) time.Time {
	l := t.In(g.berlin)
	y, m, d := l.Date()
	day := time.Date(y, m, d, 10, 0, 0, 0, g.berlin)
	if day.Weekday() == time.Sunday {
		day = day.AddDate(0, 0, -1)
	}
	at := day.Add(time.Duration(g.r.IntN(9*60)) * time.Minute).Add(time.Duration(g.r.IntN(60)) * time.Second)
	if at.After(g.now) {
		at = g.now.Add(-time.Duration(1+g.r.IntN(3600)) * time.Second)
	}
	return at.UTC().Truncate(time.Millisecond)
}

var demoASCIIFold = strings.NewReplacer("ß", "ss", "ł", "l", "Ł", "L", "ø", "o", "Ø", "O", "æ", "ae", "Æ", "Ae",
	"ı", "i", "đ", "d", "Đ", "D", "'", "", " ", "", "-", "")

// demoEmailLocal makes a name into what people put before the @.
func demoEmailLocal(s string) string {
	s = demoASCIIFold.Replace(s)
	out, _, err := transform.String(transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC), s)
	if err != nil {
		out = s
	}
	return strings.ToLower(out)
}

func (g *demoShop) contact(i, totalWeight int) {
	p := &g.people[i]
	w := g.r.IntN(totalWeight)
	for j := range demoLocales {
		if w < demoLocales[j].weight {
			p.loc = &demoLocales[j]
			break
		}
		w -= demoLocales[j].weight
	}
	l := p.loc
	p.female = g.chance(0.72)
	p.abroad = l.country != "DE" && g.chance(0.15) || l.country == "DE" && g.chance(0.03)
	c := Contact{ID: p.id}
	if p.female {
		c.Given = g.skewed(l.female)
	} else {
		c.Given = g.skewed(l.male)
	}
	c.Family = g.skewed(l.family)
	switch l.country {
	case "PL":
		if p.female {
			for _, suf := range []string{"ski", "cki", "dzki"} {
				if strings.HasSuffix(c.Family, suf) {
					c.Family = strings.TrimSuffix(c.Family, "i") + "a"
					break
				}
			}
		}
	case "ES":
		if g.chance(0.5) {
			c.Family += " " + g.skewed(l.family)
		}
	case "DE":
		if g.chance(0.03) {
			c.Family += "-" + g.skewed(l.family)
		}
	}
	if g.chance(0.04) {
		short := []rune(strings.Fields(c.Given)[0])
		c.Nickname = string(short[:min(4, len(short))])
	}
	p.given = c.Given
	// A customer account of a company now and then: with its name only.
	if g.chance(0.01) {
		c.Organization = g.pick(demoCompanies)
		c.Given, c.Family, c.Nickname = "", "", ""
		p.given = c.Organization
	} else if g.chance(0.12) {
		c.Organization = g.pick(demoCompanies)
		c.Title = g.pick(demoTitles)
	}
	p.name = strings.TrimSpace(c.Given + " " + c.Family)
	if p.name == "" {
		p.name = c.Organization
	}
	// Client since: more recent clients than old ones.
	years := 8 * math.Pow(g.r.Float64(), 1.6)
	p.since = g.shopHours(g.now.Add(-time.Duration(years * 365.25 * 24 * float64(time.Hour))))
	c.Created, c.Updated = p.since, p.since
	p.activity = g.r.ExpFloat64()
	p.vip = p.activity > 2.6 && g.chance(0.5)
	p.bridal = p.female && g.chance(0.05)

	if g.chance(0.86) {
		p.hasEmail = true
		local := g.local(c.Given)
		fam := g.local(c.Family)
		switch g.r.IntN(7) {
		case 0:
			local += "." + fam
		case 1:
			local += fam
		case 2:
			local = local[:min(1, len(local))] + "." + fam
		case 3:
			local = fam + "." + local
		case 4:
			local += "_" + fam + strconv.Itoa(g.r.IntN(100))
		case 5:
			local += strconv.Itoa(1950 + g.r.IntN(56))
		default:
			local = fam + strconv.Itoa(10+g.r.IntN(90))
		}
		domain := g.pick(l.domains)
		if !p.abroad && g.chance(0.5) {
			domain = g.pick(demoLocales[0].domains)
		}
		if c.Given == "" { // a company's account writes from its own domain
			local, domain = "info", demoCompanyDomain(c.Organization)
		}
		c.Emails = append(c.Emails, Email{ID: g.ids.next(), Address: g.uniqueEmail(local, domain), Label: "home", Preferred: true})
		if c.Organization != "" && g.chance(0.6) {
			work := g.local(c.Given)
			if work == "" {
				work = "office"
			}
			c.Emails = append(c.Emails, Email{ID: g.ids.next(), Address: g.uniqueEmail(work, demoCompanyDomain(c.Organization)), Label: "work"})
		}
	}
	if g.chance(0.88) {
		p.mobile = true
		number := g.phone(p)
		if i%20011 == 1337 {
			number = g.pick([]string{"+49 176 1234567", "0176/1234567", "(030) 123-4567", "+33 6 12 34 56 78"})
		}
		c.Phones = append(c.Phones, Phone{ID: g.ids.next(), Number: number, Label: "mobile", Preferred: true})
	}
	if g.chance(0.15) || len(c.Phones) == 0 && len(c.Emails) == 0 {
		c.Phones = append(c.Phones, Phone{ID: g.ids.next(), Number: g.digits(g.pick(demoBerlinLandlines)), Label: g.pick([]string{"home", "work"})})
	}
	if g.chance(0.6) {
		p.address = true
		if p.abroad && len(l.cities) > 0 {
			city := strings.Split(g.pick(l.cities), "|")
			c.Addresses = append(c.Addresses, Address{ID: g.ids.next(), Street: g.streetIn(l.country, l.streets),
				PostalCode: city[0], Locality: city[1], Region: city[2], Country: l.country, Label: "home", Preferred: true})
		} else {
			town, plz := "Berlin", strconv.Itoa(10115+g.r.IntN(4085))
			if g.chance(0.08) {
				town, plz = "Potsdam", "144"+strconv.Itoa(67+g.r.IntN(15))
			}
			c.Addresses = append(c.Addresses, Address{ID: g.ids.next(), Street: g.streetIn("DE", demoLocales[0].streets),
				PostalCode: plz, Locality: town, Region: "Berlin", Country: "DE", Label: "home", Preferred: true})
			if town == "Potsdam" {
				c.Addresses[0].Region = "Brandenburg"
			}
		}
	}
	if g.chance(0.02) {
		c.URLs = append(c.URLs, URL{ID: g.ids.next(), URL: "https://instagram.com/" + demoEmailLocal(c.Given+c.Family), Label: "instagram"})
	}
	if g.chance(0.45) {
		age := 18 + int(55*math.Pow(g.r.Float64(), 1.3))
		b := DayOf(time.Date(g.now.Year()-age, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, g.r.IntN(365)))
		if i%997 == 41 { // leap-day birthdays, with and without a year
			b = Date{Year: 1988 + 4*g.r.IntN(6), Month: time.February, Day: 29}
		}
		if g.chance(0.3) {
			b.Year = 0
		}
		c.Birthday = b
		if g.chance(0.03) { // a birthday the shop wants to hear about earlier
			g.d.Dates = append(g.d.Dates, ImportantDate{ID: birthdayDateID(p.id), ContactID: p.id, Kind: "birthday", Date: b,
				Yearly: true, LeadDays: 14})
		}
	}
	if g.chance(0.25) {
		c.Notes = g.pick(demoNotes)
	}
	if i%397 == 11 {
		c.Photo = g.avatar()
	}
	switch {
	case p.vip:
		c.Tags = append(c.Tags, "VIP")
	case p.activity > 1.2:
		c.Tags = append(c.Tags, "Regular")
	case p.since.After(g.now.AddDate(0, -3, 0)):
		c.Tags = append(c.Tags, "New")
	}
	if p.bridal {
		c.Tags = append(c.Tags, "Bridal")
	}
	for _, t := range demoOtherTags {
		if g.chance(t.p) {
			c.Tags = append(c.Tags, t.name)
		}
	}
	if p.abroad && g.chance(0.5) {
		c.Tags = append(c.Tags, "Tourist")
	}
	g.d.Contacts = append(g.d.Contacts, c)
	g.preferences(p)
	g.consent(p)
	if g.chance(0.08) {
		year := g.now.Year() - 1 - g.r.IntN(40)
		day := DayOf(time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, g.r.IntN(365)))
		g.d.Dates = append(g.d.Dates, ImportantDate{ID: g.ids.next(), ContactID: p.id, Kind: "anniversary",
			Label: "Wedding anniversary", Date: day, Yearly: true, LeadDays: 14})
	}
	if g.chance(0.04) {
		dt := ImportantDate{ID: g.ids.next(), ContactID: p.id, Kind: "custom", Yearly: true, LeadDays: 7}
		switch g.r.IntN(3) {
		case 0:
			dt.Label = g.pick([]string{"Daughter's birthday", "Husband's birthday", "Wife's birthday", "Son's birthday"})
			dt.Date = DayOf(time.Date(g.now.Year()-g.r.IntN(30), 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, g.r.IntN(365)))
			if g.chance(0.5) {
				dt.Date.Year = 0
			}
		case 1:
			dt.Label, dt.LeadDays = "Name day", 3
			dt.Date = Date{Month: time.Month(1 + g.r.IntN(12)), Day: 1 + g.r.IntN(28)}
		default:
			dt.Label, dt.Yearly, dt.LeadDays = g.pick([]string{"Wedding", "Graduation", "Gala"}), false, 30
			dt.Date = DayOf(g.now.AddDate(0, 0, 10+g.r.IntN(300)))
		}
		g.d.Dates = append(g.d.Dates, dt)
	}
}

func demoCompanyDomain(org string) string {
	f := demoEmailLocal(strings.Fields(org)[0]) // few companies, few calls
	if f == "" {
		f = "office"
	}
	return f + ".de"
}

func (g *demoShop) streetIn(country string, streets []string) string {
	st := g.pick(streets)
	n := strconv.Itoa(1 + g.r.IntN(180))
	switch country {
	case "FR", "IT", "ES", "TR", "JP", "US", "GB", "VN":
		return n + " " + st
	}
	return st + " " + n
}

// phone is a mobile number as the client would type it.
func (g *demoShop) phone(p *demoPerson) string {
	if p.abroad && len(p.loc.phones) > 0 {
		return g.digits(g.pick(p.loc.phones))
	}
	pattern := g.pick(demoGermanMobiles)
	prefix := g.pick([]string{"151", "152", "157", "160", "162", "163", "170", "171", "172", "173", "174", "175", "176", "177", "178", "179"})
	return g.digits(strings.Replace(pattern, "PPP", prefix, 1))
}

// avatar is a small generated picture: a coloured disc on a pale ground.
func (g *demoShop) avatar() []byte {
	fg := color.RGBA{uint8(g.r.IntN(200)), uint8(g.r.IntN(200)), uint8(g.r.IntN(200)), 255}
	img := image.NewPaletted(image.Rect(0, 0, 32, 32), color.Palette{color.RGBA{240, 236, 228, 255}, fg})
	for y := 0; y < 32; y++ {
		for x := 0; x < 32; x++ {
			dx, dy := x-16, y-16
			if dx*dx+dy*dy < 150 {
				img.SetColorIndex(x, y, 1)
			}
		}
	}
	var b bytes.Buffer
	png.Encode(&b, img)
	return b.Bytes()
}

func (g *demoShop) preferences(p *demoPerson) {
	n := int(g.r.ExpFloat64() * 2.2)
	if n > 6 {
		n = 6
	}
	seen := map[string]bool{}
	for k := 0; k < n; k++ {
		pr := Preference{ContactID: p.id}
		switch g.r.IntN(10) {
		case 0, 1, 2, 3:
			pr.Category = "size"
			if p.female {
				switch g.r.IntN(5) {
				case 0:
					pr.Subject, pr.Value = "dress", strconv.Itoa(34+2*g.r.IntN(7))
				case 1:
					pr.Subject, pr.Value = "shoes", strconv.Itoa(36+g.r.IntN(7))
					if g.chance(0.2) {
						pr.Value += ".5"
					}
				case 2:
					pr.Subject, pr.Value = "blouse", g.pick([]string{"XS", "S", "M", "L", "XL"})
				case 3:
					pr.Subject, pr.Value = "trousers", strconv.Itoa(34+2*g.r.IntN(7))
				default:
					pr.Subject, pr.Value = "ring", strconv.Itoa(50+g.r.IntN(10))
				}
			} else {
				switch g.r.IntN(3) {
				case 0:
					pr.Subject, pr.Value = "shirt", g.pick([]string{"S", "M", "L", "XL", "XXL"})
				case 1:
					pr.Subject, pr.Value = "suit", strconv.Itoa(44+2*g.r.IntN(8))
				default:
					pr.Subject, pr.Value = "shoes", strconv.Itoa(40+g.r.IntN(7))
				}
			}
		case 4:
			pr.Category, pr.Value = "brand", g.pick(demoBrands)
		case 5:
			pr.Category, pr.Value = "colour", g.pick([]string{"navy", "emerald green", "camel", "burgundy", "pastels", "earth tones", "black only", "ivory"})
		case 6:
			pr.Category, pr.Value = "style", g.pick([]string{"minimal", "classic", "boho", "sporty", "romantic", "business", "vintage"})
		case 7:
			pr.Category, pr.Value = "fabric", g.pick([]string{"linen", "silk", "cashmere", "organic cotton", "merino"})
		case 8:
			pr.Category, pr.Value = "dislike", g.pick([]string{"wool", "polyester", "bright colours", "turtlenecks", "strong perfume", "synthetic fabrics", "ruffles"})
		default:
			if g.chance(0.5) {
				pr.Category, pr.Value = "allergy", g.pick([]string{"nickel", "lanolin", "latex"})
			} else {
				pr.Category, pr.Value = "other", g.pick([]string{"appointments after 17:00 only", "brings her dog", "always gift-wrapped", "likes an espresso", "no plastic bags"})
			}
		}
		key := pr.Category + "\x00" + pr.Subject
		if seen[key] {
			continue
		}
		seen[key] = true
		pr.ID = g.ids.next()
		age := 900 * math.Pow(g.r.Float64(), 1.5)
		confirmed := g.now.Add(-time.Duration(age * 24 * float64(time.Hour)))
		if confirmed.Before(p.since) {
			confirmed = p.since
		}
		pr.Confirmed = DayOf(confirmed.In(g.berlin))
		g.d.Preferences = append(g.d.Preferences, pr)
	}
}

func (g *demoShop) consent(p *demoPerson) {
	for _, ch := range Channels {
		var want float64
		switch ch {
		case "email":
			if p.hasEmail {
				want = 0.75
			}
		case "sms":
			if p.mobile {
				want = 0.45
			}
		case "phone":
			want = 0.2
		case "post":
			if p.address {
				want = 0.3
			}
		case "messaging":
			if p.mobile {
				want = 0.15
			}
		}
		if !g.chance(want) {
			continue
		}
		c := Consent{ContactID: p.id, Channel: ch}
		at := g.between(p.since, p.since.Add(30*time.Minute))
		status := "in"
		if g.chance(0.12) {
			status = "out"
		}
		for k := 0; ; k++ {
			c.History = append(c.History, ConsentEvent{ID: g.ids.next(), Channel: ch, Status: status, At: at,
				RecordedBy: g.pick(demoStaff), Source: g.pick(demoConsentSources)})
			if k == 2 || !g.chance(0.15) {
				break
			}
			at = g.between(at, g.now)
			if status == "in" {
				status = "out"
			} else {
				status = "in"
			}
		}
		c.Status = status
		if status == "in" && (ch == "email" || ch == "sms") && g.chance(0.2) {
			c.MaxPerMonth = 2 + 2*g.r.IntN(2)
		}
		g.d.Consents = append(g.d.Consents, c)
	}
}

func (g *demoShop) timeline(i int) {
	p := &g.people[i]
	n := int(p.activity*10 + 0.5)
	if n > 80 {
		n = 80
	}
	if n == 0 && g.chance(0.5) {
		n = 1
	}
	times := make([]time.Time, n)
	for k := range times {
		times[k] = g.shopHours(g.between(p.since, g.now))
	}
	sort.Slice(times, func(a, b int) bool { return times[a].Before(times[b]) })
	var followUp []Interaction
	for _, at := range times {
		in := Interaction{ID: g.ids.next(), ContactID: p.id, At: at, Staff: g.pick(demoStaff)}
		w := g.r.IntN(1000)
		switch {
		case w < 300:
			in.Kind = "purchase"
			in.Category = g.pick(demoCategories)
			item := g.pick(demoItems)
			in.Items = item
			in.Summary = "Bought " + strings.ToLower(item[:1]) + item[1:]
			if g.chance(0.25) {
				second := g.pick(demoItems)
				in.Items += "; " + second
				in.Summary = "Bought 2 items"
			}
			euros := math.Exp(4.6 + 0.8*g.r.NormFloat64())
			if p.vip {
				euros *= 2.5
			}
			in.AmountMinor = int64(euros)*100 + []int64{0, 90, 95, 50}[g.r.IntN(4)]
			in.Currency = "EUR"
			if p.abroad && p.loc.currency != "EUR" && g.chance(0.3) {
				in.Currency = p.loc.currency
				if in.Currency == "JPY" {
					in.AmountMinor = int64(euros * 160)
				}
			}
		case w < 550:
			in.Kind = "visit"
			in.Summary = g.pick(demoVisits)
		case w < 630:
			in.Kind = "call"
			in.Summary = g.pick(demoCalls)
		case w < 730:
			in.Kind = "message"
			in.Category = g.pick([]string{"sms", "email", "messaging"})
			in.Summary = g.pick(demoMessages)
		case w < 740:
			in.Kind = "complaint"
			in.Summary = g.pick(demoComplaints)
			if g.chance(0.3) {
				in.Body = "Client said: \"" + in.Summary + "\".\nOffered a repair & a 10% voucher <next visit>."
			}
			// Most complaints are followed up with a check-in a few days later.
			if later := at.Add(time.Duration(1+g.r.IntN(240)) * time.Hour); g.chance(0.6) && later.Before(g.now) {
				followUp = append(followUp, Interaction{ContactID: p.id, Kind: "checkin", At: later.Truncate(time.Millisecond),
					Staff: g.pick(demoStaff), Rating: 3 + g.r.IntN(3), Summary: "Follow-up after complaint"})
			}
		case w < 780:
			in.Kind = "compliment"
			in.Summary = g.pick(demoCompliments)
		case w < 795 && len(g.people) > 1:
			in.Kind = "referral"
			j := g.r.IntN(len(g.people) - 1)
			if j >= i {
				j++
			}
			in.ReferredID = g.people[j].id
			in.Summary = "Recommended us to " + g.people[j].name
		case w < 855:
			in.Kind = "checkin"
			in.Rating = []int{5, 5, 5, 4, 4, 4, 3, 2, 1}[g.r.IntN(9)]
			in.Summary = g.pick(demoCheckins)
		default:
			in.Kind = "note"
			in.Summary = g.pick(demoNoteEntries)
		}
		g.d.Interactions = append(g.d.Interactions, in)
	}
	for _, in := range followUp {
		in.ID = g.ids.next()
		g.d.Interactions = append(g.d.Interactions, in)
	}

	// Appointments: some in the past, a few coming.
	past := 0
	if p.activity > 0.6 {
		past = g.r.IntN(3)
	}
	if p.bridal {
		past += 2
	}
	for k := 0; k < past; k++ {
		a := g.appointment(p, g.between(p.since, g.now))
		a.Status = []string{"done", "done", "done", "done", "done", "done", "cancelled", "no-show"}[g.r.IntN(8)]
		g.d.Appointments = append(g.d.Appointments, a)
	}
	if g.chance(0.02) || p.bridal && g.chance(0.3) {
		a := g.appointment(p, g.now.Add(time.Duration(g.r.Int64N(int64(60*24*time.Hour)))))
		a.Status = g.pick([]string{"booked", "booked", "confirmed"})
		g.d.Appointments = append(g.d.Appointments, a)
	}

	// Tasks: follow-ups, most of the past ones done.
	if g.chance(0.06) {
		k := Task{ID: g.ids.next(), ContactID: p.id, Title: g.pick(demoTasks)}
		due := g.now.AddDate(0, 0, 45-g.r.IntN(400))
		if due.Before(p.since) {
			due = p.since.AddDate(0, 0, 7)
		}
		k.Due = DayOf(due.In(g.berlin))
		if due.Before(g.now) {
			doneP := 0.99
			if g.now.Sub(due) < 30*24*time.Hour {
				doneP = 0.8
			}
			if g.chance(doneP) {
				k.DoneAt = g.shopHours(due.Add(time.Duration(g.r.IntN(72)) * time.Hour))
			} else if g.chance(0.2) {
				k.SnoozedUntil = DayOf(g.now.AddDate(0, 0, 1+g.r.IntN(14)).In(g.berlin))
			}
		}
		g.d.Tasks = append(g.d.Tasks, k)
	}
}

func (g *demoShop) appointment(p *demoPerson, day time.Time) Appointment {
	tz := "Europe/Berlin"
	loc := g.berlin
	if g.chance(0.05) {
		tz = g.pick([]string{"Europe/Paris", "Europe/Warsaw", "Europe/Istanbul", "Europe/London", "Asia/Tokyo"})
		if l, err := time.LoadLocation(tz); err == nil {
			loc = l
		} else {
			tz = "Europe/Berlin"
		}
	}
	y, m, d := day.In(loc).Date()
	a := Appointment{ID: g.ids.next(), ContactID: p.id, TZ: tz, Staff: g.pick(demoStaff), Purpose: g.pick(demoPurposes)}
	if p.bridal && g.chance(0.7) {
		a.Purpose = g.pick([]string{"Bridal consultation", "Bridal fitting", "Final bridal fitting"})
	}
	if g.chance(0.02) {
		a.AllDay, a.Purpose = true, "Trunk show"
		a.Start = time.Date(y, m, d, 0, 0, 0, 0, loc)
		a.End = a.Start.AddDate(0, 0, 1)
		return a
	}
	a.Start = time.Date(y, m, d, 10+g.r.IntN(8), 15*g.r.IntN(4), 0, 0, loc)
	a.End = a.Start.Add(time.Duration([]int{30, 45, 60, 60, 90}[g.r.IntN(5)]) * time.Minute)
	return a
}

// shopTasks are the shop's own to-dos, not about any client.
func (g *demoShop) shopTasks(clients int) {
	n := 3 + clients/5000
	for k := 0; k < n; k++ {
		t := Task{ID: g.ids.next(), Title: g.pick([]string{"Order more gift boxes", "Window display for spring",
			"Count the stock room", "Renew the card terminal contract", "Plan the summer sale"})}
		t.Due = DayOf(g.now.AddDate(0, 0, g.r.IntN(60)-20).In(g.berlin))
		g.d.Tasks = append(g.d.Tasks, t)
	}
}

var demoLocales = []demoLocale{
	{country: "DE", weight: 44,
		female: []string{"Anna", "Sophie", "Marie", "Lena", "Julia", "Laura", "Katrin", "Sabine", "Hannah", "Leonie", "Birgit",
			"Ursula", "Annika", "Mareike", "Franziska", "Jördis", "Dörte", "Käthe", "Greta", "Lotte", "Svenja", "Maren", "Friederike",
			"Gisela", "Ingeborg", "Hildegard", "Antje", "Anne-Kathrin", "Henrike", "Rosemarie"},
		male: []string{"Lukas", "Jürgen", "Jörg", "Stefan", "Markus", "Matthias", "Florian", "Björn", "Günter", "Sören", "Uwe",
			"Maximilian", "Jan-Philipp", "Klaus", "Dietmar"},
		family: []string{"Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann",
			"Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz", "Zimmermann", "Braun",
			"Krüger", "Hofmann", "Hartmann", "Lange", "Schmitt", "Werner", "Krause", "Meier", "Lehmann", "Köhler", "Herrmann",
			"König", "Walter", "Kaiser", "Fuchs", "Peters", "Scholz", "Möller", "Weiß", "Jung", "Hahn", "Vogel", "Friedrich",
			"Keller", "Günther", "Berger", "Winkler", "Lorenz", "Baumann", "Albrecht", "Schuster", "Böhm", "Winter", "Krämer",
			"Vogt", "Jäger", "Sommer", "Groß", "Seidel", "Brandt", "Haas", "Schreiber", "Graf", "Dietrich", "Ziegler", "Kühn",
			"Pohl", "Engel", "Horn", "Busch", "Bergmann", "Voigt", "Sauer", "Pfeiffer", "Wendt", "Thiele", "Löffler", "Brückner",
			"Oßwald", "Dreßler", "Rößler", "Kleinschmidt", "Hausmann", "Ebert", "Mertens", "Kröger", "Wüstenhagen", "Zschäpe"},
		domains: []string{"gmail.com", "web.de", "gmx.de", "t-online.de", "posteo.de", "icloud.com", "outlook.de", "mail.de", "yahoo.de"},
		cities:  []string{"20095|Hamburg|Hamburg", "80331|München|Bayern", "50667|Köln|Nordrhein-Westfalen", "01067|Dresden|Sachsen"},
		streets: []string{"Kastanienallee", "Schönhauser Allee", "Torstraße", "Kollwitzstraße", "Bergmannstraße", "Oranienstraße",
			"Kurfürstendamm", "Friedrichstraße", "Karl-Marx-Allee", "Sonnenallee", "Müllerstraße", "Kantstraße", "Prenzlauer Allee",
			"Boxhagener Straße", "Weserstraße", "Husemannstraße", "Gneisenaustraße", "Wilmersdorfer Straße", "Hermannstraße",
			"Greifswalder Straße", "Dunckerstraße", "Simon-Dach-Straße", "Görlitzer Straße", "Ackerstraße"},
		phones:   []string{"+43 664 XXXXXXX", "+41 79 XXX XX XX", "+49 89 XXXXXXX"},
		currency: "EUR"},
	{country: "TR", weight: 8,
		female: []string{"Ayşe", "Fatma", "Zeynep", "Elif", "Emine", "Meryem", "Şule", "Özlem", "Gülşen", "Büşra", "Esra", "Merve",
			"Yasemin", "Ebru", "Gül", "Çiğdem", "Dilek", "Aslı", "Nur", "Sevgi"},
		male: []string{"Mehmet", "Mustafa", "Ahmet", "Ali", "Hüseyin", "Murat", "Ömer", "Emre", "İbrahim", "Kemal"},
		family: []string{"Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Yıldırım", "Öztürk", "Aydın", "Özdemir", "Arslan",
			"Doğan", "Kılıç", "Aslan", "Çetin", "Kara", "Koç", "Kurt", "Özkan", "Şimşek", "Polat", "Güneş", "Aksoy", "Erdem",
			"Keskin", "Ünal", "Tekin", "Bulut", "Gündoğdu", "Karataş"},
		domains:  []string{"gmail.com", "hotmail.com", "yandex.com.tr", "outlook.com"},
		cities:   []string{"34000|İstanbul|İstanbul", "06000|Ankara|Ankara", "35000|İzmir|İzmir"},
		streets:  []string{"İstiklal Caddesi", "Bağdat Caddesi", "Atatürk Bulvarı", "Cumhuriyet Caddesi"},
		phones:   []string{"+90 532 XXX XX XX", "+90 (542) XXX XX XX", "0090 555 XXX XXXX"},
		currency: "TRY"},
	{country: "PL", weight: 8,
		female: []string{"Anna", "Katarzyna", "Małgorzata", "Agnieszka", "Magdalena", "Joanna", "Aleksandra", "Zofia", "Ewa",
			"Żaneta", "Grażyna", "Jadwiga", "Dorota", "Beata", "Paulina", "Agata", "Bożena", "Wiesława"},
		male: []string{"Łukasz", "Paweł", "Piotr", "Krzysztof", "Michał", "Wojciech", "Grzegorz", "Jarosław", "Tomasz"},
		family: []string{"Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kowalczyk", "Kamiński", "Lewandowski", "Zieliński",
			"Szymański", "Woźniak", "Dąbrowski", "Kozłowski", "Jankowski", "Mazur", "Kwiatkowski", "Krawczyk", "Piotrowski",
			"Grabowski", "Pawłowski", "Michalski", "Król", "Wieczorek", "Jabłoński", "Wróbel", "Majewski", "Stępień", "Malinowski",
			"Jaworski", "Przybylski", "Sobczak", "Górecki", "Chmielewski"},
		domains:  []string{"wp.pl", "onet.pl", "o2.pl", "interia.pl", "gmail.com"},
		cities:   []string{"00-001|Warszawa|mazowieckie", "30-001|Kraków|małopolskie", "50-001|Wrocław|dolnośląskie", "61-001|Poznań|wielkopolskie"},
		streets:  []string{"ul. Marszałkowska", "ul. Nowy Świat", "ul. Floriańska", "ul. Świętojańska", "ul. Piotrkowska"},
		phones:   []string{"+48 601 XXX XXX", "+48 512-XXX-XXX", "0048 69X XXX XXX"},
		currency: "PLN"},
	{country: "FR", weight: 6,
		female: []string{"Chloé", "Élodie", "Hélène", "Amélie", "Léa", "Margaux", "Camille", "Inès", "Manon", "Céline", "Anaïs",
			"Maëlle", "Noémie", "Béatrice", "Geneviève", "Marie", "Juliette", "Aurélie", "Clémence", "Mathilde"},
		male: []string{"François", "Jérôme", "Loïc", "Benoît", "Théo", "Stéphane", "René", "Hervé", "Gaël", "Étienne"},
		family: []string{"Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
			"Simon", "Laurent", "Lefèvre", "Michel", "Fontaine", "Rousseau", "Chevalier", "Girard", "Bonnet", "Lemaître",
			"Lévêque", "Faure", "Mercier", "Blanchard", "Gauthier", "Perrin", "Roux", "Marchand", "Béranger", "Dupré", "Château"},
		domains:  []string{"orange.fr", "free.fr", "laposte.net", "gmail.com", "sfr.fr", "wanadoo.fr"},
		cities:   []string{"75003|Paris|Île-de-France", "69001|Lyon|Auvergne-Rhône-Alpes", "13001|Marseille|Provence-Alpes-Côte d'Azur", "67000|Strasbourg|Grand Est"},
		streets:  []string{"rue de Rivoli", "rue des Martyrs", "boulevard Saint-Germain", "rue de la République", "avenue Jean-Jaurès"},
		phones:   []string{"+33 6 XX XX XX XX", "+33 (0)7 XX XX XX XX", "0033 6XXXXXXXX", "+33 6XXXXXXXX"},
		currency: "EUR"},
	{country: "IT", weight: 6,
		female: []string{"Giulia", "Chiara", "Francesca", "Sara", "Martina", "Alessia", "Federica", "Elisa", "Ilaria", "Beatrice",
			"Noemi", "Aurora", "Ludovica", "Caterina", "Lucia", "Maria Grazia"},
		male: []string{"Niccolò", "Lorenzo", "Matteo", "Davide", "Andrea", "Luca", "Gianluca", "Nicolò"},
		family: []string{"Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino", "Greco",
			"Bruno", "Gallo", "Conti", "De Luca", "Mancini", "Costa", "Giordano", "Rizzo", "Lombardi", "Moretti", "Barbieri",
			"Fontana", "Santoro", "Mariani", "Rinaldi", "Caruso", "Ferrara", "D'Angelo", "Di Stefano", "Cantù", "Mazzà"},
		domains:  []string{"libero.it", "virgilio.it", "gmail.com", "alice.it", "tiscali.it"},
		cities:   []string{"20121|Milano|Lombardia", "00184|Roma|Lazio", "50122|Firenze|Toscana", "10121|Torino|Piemonte"},
		streets:  []string{"Via Montenapoleone", "Via del Corso", "Corso Buenos Aires", "Via dei Calzaiuoli", "Via Garibaldi"},
		phones:   []string{"+39 347 XXX XXXX", "+39 333 XXXXXXX", "0039 340 XXX XX XX"},
		currency: "EUR"},
	{country: "ES", weight: 5,
		female: []string{"María", "Lucía", "Paula", "Sofía", "Martina", "Carmen", "Ana", "Laura", "Marta", "Alba", "Nuria",
			"Begoña", "Pilar", "Inés", "Ainhoa", "Itziar", "Rocío", "Almudena", "María José"},
		male: []string{"José", "Javier", "Jesús", "Álvaro", "Andrés", "Iñaki", "Joaquín", "Rubén"},
		family: []string{"García", "Rodríguez", "González", "Fernández", "López", "Martínez", "Sánchez", "Pérez", "Gómez",
			"Martín", "Jiménez", "Ruiz", "Hernández", "Díaz", "Moreno", "Muñoz", "Álvarez", "Romero", "Alonso", "Gutiérrez",
			"Navarro", "Torres", "Domínguez", "Vázquez", "Ramos", "Núñez", "Ibáñez", "Peña", "Castaño", "Zubiría"},
		domains:  []string{"gmail.com", "hotmail.es", "telefonica.net", "yahoo.es"},
		cities:   []string{"28001|Madrid|Madrid", "08001|Barcelona|Cataluña", "41001|Sevilla|Andalucía", "48001|Bilbao|País Vasco"},
		streets:  []string{"Calle de Serrano", "Passeig de Gràcia", "Calle Mayor", "Gran Vía", "Calle Sierpes"},
		phones:   []string{"+34 6XX XX XX XX", "+34 6XX XXX XXX", "0034 7XXXXXXXX"},
		currency: "EUR"},
	{country: "GB", weight: 5,
		female: []string{"Emily", "Olivia", "Charlotte", "Grace", "Amelia", "Isla", "Sarah", "Emma", "Jessica", "Siobhán"},
		male:   []string{"James", "Oliver", "Harry", "George", "William", "Seán"},
		family: []string{"Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "O'Connor", "McAllister",
			"Robinson", "Wright", "Thompson", "Evans", "Walker", "O'Brien", "Fitzgerald"},
		domains:  []string{"gmail.com", "outlook.com", "btinternet.com", "icloud.com"},
		cities:   []string{"SW1A 1AA|London|England", "M1 1AE|Manchester|England", "EH1 1YZ|Edinburgh|Scotland"},
		streets:  []string{"King's Road", "Portobello Road", "High Street", "Deansgate"},
		phones:   []string{"+44 7700 9XXXXX", "+44 (0)7911 XXXXXX", "+1 (212) 555-01XX", "+1 415 555 01XX"},
		currency: "GBP"},
	{country: "VN", weight: 4,
		female:   []string{"Thị Lan", "Thu Hà", "Ngọc Anh", "Mai", "Linh", "Hương", "Thảo", "Phương", "Hằng", "Trang"},
		male:     []string{"Minh", "Tuấn", "Dũng", "Hoàng", "Quang"},
		family:   []string{"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ"},
		domains:  []string{"gmail.com", "yahoo.com.vn"},
		cities:   []string{"700000|Thành phố Hồ Chí Minh|Hồ Chí Minh", "100000|Hà Nội|Hà Nội"},
		streets:  []string{"Đồng Khởi", "Lê Lợi", "Hàng Bạc"},
		phones:   []string{"+84 9X XXX XXXX", "+84 (0)9X XXX XX XX"},
		currency: "EUR"},
	{country: "SE", weight: 4,
		female: []string{"Ingrid", "Astrid", "Sigrid", "Maja", "Freja", "Saga", "Ebba", "Linnéa", "Åsa", "Åse", "Sølvi", "Ragnhild",
			"Kirsten", "Mette", "Signe", "Liv", "Solveig", "Märta", "Tuva", "Ylva"},
		male: []string{"Søren", "Björn", "Øyvind", "Nils", "Lars", "Anders", "Jens", "Håkon", "Torbjørn"},
		family: []string{"Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsen", "Hansen", "Jensen",
			"Nielsen", "Pedersen", "Sørensen", "Rasmussen", "Berg", "Lindqvist", "Lindström", "Åberg", "Ångström", "Sjöberg",
			"Björklund", "Holmgren", "Bergström", "Ødegaard", "Bjørnstad", "Løvås", "Dahl", "Haugen", "Ekström", "Æbelø"},
		domains:  []string{"gmail.com", "telia.com", "online.no", "live.dk", "hotmail.se"},
		cities:   []string{"111 20|Stockholm|Stockholms län", "0150|Oslo|Oslo", "1050|København|Hovedstaden", "411 01|Göteborg|Västra Götaland"},
		streets:  []string{"Drottninggatan", "Karl Johans gate", "Strøget", "Götgatan"},
		phones:   []string{"+46 70 XXX XX XX", "+47 4XX XX XXX", "+45 20 XX XX XX", "+46 (0)73-XXX XX XX"},
		currency: "SEK"},
	{country: "JP", weight: 3,
		female: []string{"Yuki", "Haruka", "Aoi", "Sakura", "Yui", "Mei", "Rin", "Hana", "Emi", "Keiko", "Yōko", "Kyōko", "Naomi",
			"Ayaka", "Misaki", "Chihiro"},
		male: []string{"Haruto", "Sōta", "Ren", "Kenji", "Takeshi", "Yūto", "Shōta", "Daisuke"},
		family: []string{"Satō", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Itō", "Yamamoto", "Nakamura", "Kobayashi", "Katō",
			"Yoshida", "Yamada", "Sasaki", "Matsumoto", "Inoue", "Kimura", "Hayashi", "Shimizu", "Saitō", "Ōno", "Ōta", "Kondō",
			"Endō", "Gotō", "Mori", "Ikeda", "Hashimoto", "Ishikawa"},
		domains:  []string{"yahoo.co.jp", "docomo.ne.jp", "gmail.com", "icloud.com"},
		cities:   []string{"150-0001|Tōkyō|Tōkyō-to", "530-0001|Ōsaka|Ōsaka-fu", "600-8001|Kyōto|Kyōto-fu"},
		streets:  []string{"Omotesandō", "Ginza", "Shinsaibashi-suji"},
		phones:   []string{"+81 90-XXXX-XXXX", "+81 80 XXXX XXXX", "+81-70-XXXX-XXXX"},
		currency: "JPY"},
	{country: "NL", weight: 3,
		female: []string{"Sanne", "Femke", "Lotte", "Anouk", "Fleur", "Eline", "Ilse", "Marieke"},
		male:   []string{"Daan", "Sem", "Joris", "Pieter"},
		family: []string{"de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Visser", "Smit", "Meijer",
			"de Boer", "Mulder", "van der Linden", "IJzerman"},
		domains:  []string{"gmail.com", "ziggo.nl", "kpnmail.nl", "hotmail.nl"},
		cities:   []string{"1012 AB|Amsterdam|Noord-Holland", "3011 AA|Rotterdam|Zuid-Holland", "3511 AA|Utrecht|Utrecht"},
		streets:  []string{"Prinsengracht", "Kalverstraat", "Oudegracht", "Witte de Withstraat"},
		phones:   []string{"+31 6 XXXXXXXX", "+31 (0)6-XXXX XXXX", "0031 6 XX XX XX XX"},
		currency: "EUR"},
}

var demoGermanMobiles = []string{"+49 PPP XXXXXXX", "0PPP/XXXXXXX", "0PPP XXXXXXXX", "0PPP-XXXXXXX", "+49 (0)PPP XXXXXXXX",
	"0049 PPP XXXXXXX", "0PPPXXXXXXX", "+49PPPXXXXXXXX", "0PPP XXX XX XX", "+49 PPP XXX XXXX"}

var demoBerlinLandlines = []string{"(030) XXX-XXXX", "030 XXXXXXXX", "030/XXXX XXXX", "+49 30 XXXXXXXX", "+49 (0)30 XXX XXX XX"}

var demoCompanies = []string{"Atelier Lumière", "Kanzlei Weber & Partner", "Charité", "Deutsche Oper Berlin", "Galerie Nordlicht",
	"Studio Hanami", "Café Mondial", "Schaubühne", "Agentur Blau GmbH", "Müller & Söhne KG", "Theater am Schiffbauerdamm",
	"Praxis Dr. Öztürk", "Bäckerei Kühn"}

var demoTitles = []string{"Costume designer", "Rechtsanwältin", "Ärztin", "Architect", "Buyer", "Creative director", "Inhaberin", "Stylist"}

var demoBrands = []string{"Sézane", "Acne Studios", "Max Mara", "Ganni", "COS", "Marc O'Polo", "Armedangels", "Isabel Marant",
	"Filippa K", "By Malene Birger", "Closed", "Lala Berlin", "Hugo Boss", "Agnès b."}

type demoTag struct {
	name string
	p    float64
}

var demoOtherTags = []demoTag{{"Newsletter", 0.2}, {"Alterations", 0.08}, {"Personal shopper", 0.02}, {"Wholesale", 0.01},
	{"Press", 0.005}, {"Staff", 0.004}}

var demoNotes = []string{"Prefers appointments after 17:00.", "Comes with her daughter.", "Allergic to nickel — no costume jewellery.",
	"Likes to be called, not texted.", "Works at the opera; busy on premiere weeks.", "Speaks French and German.",
	"Ask about her trip to Japan.", "Bought her wedding dress here in 2019.", "Parking: needs the loading bay.",
	"Always pays by card; keep receipts by e-mail.", "Très fidèle — mention the new Sézane delivery.", "Größe variiert je nach Marke."}

var demoStaff = []string{"Anna", "Sophie", "Lukas", "Mehmet", "Julia"}

var demoConsentSources = []string{"in shop, signed form", "web shop checkout", "phone call", "e-mail reply", "newsletter sign-up at the till"}

var demoCategories = []string{"dresses", "tops", "knitwear", "trousers", "shoes", "accessories", "outerwear", "bridal", "alterations", "gift voucher"}

var demoItems = []string{"Silk blouse (38), ivory", "Linen dress, sage", "Cashmere jumper, camel", "Wide-leg trousers (40), navy",
	"Leather ankle boots (39)", "Wool coat, charcoal", "Scarf, printed silk", "Gift voucher €50", "Evening dress, burgundy",
	"Trench coat (38)", "Merino cardigan, grey", "Sandals (38.5)", "Hemming of two pairs of trousers", "Bridal veil, ivory tulle",
	"Denim jacket", "Leather belt", "Earrings, gold-plated"}

var demoVisits = []string{"Browsed the new collection", "Tried on coats", "Came in with her sister", "Picked up alterations",
	"Looked for a dress for a wedding", "Exchanged a size", "Fitting", "Just said hello"}

var demoCalls = []string{"Asked whether the navy blazer is back in 38", "Called to move her fitting", "Asked about opening hours at Easter",
	"Wanted to reserve the linen dress", "Called back about the repair"}

var demoMessages = []string{"Sent photos of the new knitwear", "Reminder for the fitting", "Your alterations are ready",
	"Thank you for your visit!", "Invitation to the spring trunk show"}

var demoComplaints = []string{"Zip broke after two wears", "Hem came undone", "Colour ran in the wash", "Waited too long at the till",
	"Button missing on delivery", "Shoes pinch despite the stretching"}

var demoCompliments = []string{"Loved the alterations", "Thanked Sophie for the styling advice", "Got many compliments on the dress",
	"Said it is her favourite shop in Berlin"}

var demoCheckins = []string{"Happy with the repaired zip", "Follow-up after complaint", "Asked how the dress fits after washing",
	"Checked the shoes are comfortable now"}

var demoNoteEntries = []string{"Prefers fitting room 2", "Was looking for a dress for a wedding in June", "Wants to be told when Ganni arrives",
	"Birthday gift for her mother next month", "Moving to Hamburg in the autumn"}

var demoPurposes = []string{"Fitting", "Alterations pick-up", "Personal styling", "Made-to-measure measurements", "Return or exchange",
	"Wardrobe review"}

var demoTasks = []string{"Call when the navy blazer is back in 38", "Alterations ready — call for pick-up", "Send a thank-you card",
	"Follow up on the complaint", "Invite to the spring trunk show", "Order the shoes in 39", "Reserve the new Sézane delivery"}
