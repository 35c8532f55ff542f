// Prints, as JSON, what ical.js (the parser Thunderbird uses) reads from a
// vCard or iCalendar file that Rapport wrote. Rapport's tests compare it
// with what Rapport meant to write.
//
//   node read.mjs vcard FILE      per card: fn, emails, tels, bday
//   node read.mjs ical FILE       per event or to-do: uid, summary, start,
//                                 days (2026-2035), offset, alarms, due
import fs from 'node:fs';
import ICAL from 'ical.js';

const [kind, file] = process.argv.slice(2);
const parsed = ICAL.parse(fs.readFileSync(file, 'utf8'));
// One component parses to its jCal array, several to an array of them.
const roots = (typeof parsed[0] === 'string' ? [parsed] : parsed).map((j) => new ICAL.Component(j));

// text is a property's value as written in the file, after the colon.
const text = (prop) => {
  const s = prop.toICALString();
  return s.slice(s.indexOf(':') + 1);
};

const out = [];
if (kind === 'vcard') {
  for (const card of roots) {
    const bday = card.getFirstProperty('bday');
    out.push({
      fn: card.getFirstPropertyValue('fn'),
      emails: card.getAllProperties('email').map((p) => String(p.getFirstValue())),
      tels: card.getAllProperties('tel').map((p) => String(p.getFirstValue())),
      bday: bday ? text(bday) : '',
    });
  }
} else {
  for (const cal of roots) {
    for (const tz of cal.getAllSubcomponents('vtimezone')) {
      ICAL.TimezoneService.register(tz);
    }
    for (const comp of cal.getAllSubcomponents()) {
      if (comp.name === 'vtodo') {
        const due = comp.getFirstPropertyValue('due');
        out.push({ uid: comp.getFirstPropertyValue('uid'), summary: comp.getFirstPropertyValue('summary'), due: due ? due.toString() : '' });
        continue;
      }
      if (comp.name !== 'vevent') continue;
      const ev = new ICAL.Event(comp);
      const start = ev.startDate;
      const e = { uid: ev.uid, summary: ev.summary, start: start.toString() };
      if (ev.isRecurring()) {
        const it = ev.iterator();
        const days = [];
        for (let next = it.next(); next && next.year <= 2035; next = it.next()) {
          if (next.year >= 2026) days.push(next.toString().slice(0, 10));
        }
        e.days = days;
      }
      if (!start.isDate && start.zone && start.zone.tzid !== 'floating') {
        e.offset = start.utcOffset();
      }
      e.alarms = comp.getAllSubcomponents('valarm').map((a) => {
        const trigger = a.getFirstPropertyValue('trigger');
        return trigger instanceof ICAL.Duration ? trigger.toSeconds() : null;
      });
      out.push(e);
    }
  }
}
process.stdout.write(JSON.stringify(out));
