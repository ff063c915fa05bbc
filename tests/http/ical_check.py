"""Reads an iCalendar feed on stdin with Python's icalendar (Debian's
python3-icalendar) and prints what a calendar app would see, as JSON: each
event's UID, summary, rule, exceptions, and the occurrences of each
recurring event between two days (argv[1], argv[2]), expanded from its
DTSTART with dateutil in local time and placed in its zone with zoneinfo:
[{day, local, utc_offset_minutes}]. Exits non-zero when it does not parse."""
import json
import sys
from datetime import datetime
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr
from icalendar import Calendar

cal = Calendar.from_ical(sys.stdin.buffer.read())
first, last = (datetime.strptime(d, "%Y-%m-%d") for d in sys.argv[1:3])
events = []
for e in cal.walk("VEVENT"):
    start = e.decoded("DTSTART")
    tzid = e["DTSTART"].params.get("TZID", "UTC")
    zone = ZoneInfo(tzid)
    out = {
        "uid": str(e["UID"]),
        "summary": str(e["SUMMARY"]),
        "tzid": tzid,
        "start": start.strftime("%Y-%m-%d %H:%M"),
        "recurrence_id": e.decoded("RECURRENCE-ID").strftime("%Y-%m-%d %H:%M") if "RECURRENCE-ID" in e else None,
    }
    if "RRULE" in e:
        rule = e["RRULE"].to_ical().decode()
        out["rrule"] = rule
        local = start.replace(tzinfo=None)
        occ = []
        for t in rrulestr(rule, dtstart=local).between(first, last, inc=True):
            placed = t.replace(tzinfo=zone)
            occ.append({"day": t.strftime("%Y-%m-%d"), "local": t.strftime("%H:%M"),
                        "utc_offset_minutes": int(placed.utcoffset().total_seconds() // 60)})
        out["occurrences"] = occ
        exdates = e.get("EXDATE")
        if exdates is not None:
            exdates = exdates if isinstance(exdates, list) else [exdates]
            out["exdates"] = [d.dt.strftime("%Y-%m-%d") for x in exdates for d in x.dts]
    events.append(out)
json.dump({"calendars": len(cal.walk("VCALENDAR")), "timezones": [str(t["TZID"]) for t in cal.walk("VTIMEZONE")], "events": events}, sys.stdout)
