#!/usr/bin/python3
"""Regenerates the *.out golden files with Debian's python3-debian, the way docker-pkg 4.0.4's
DockerImage.create_update writes a changelog entry. Run from this directory: /usr/bin/python3 generate.py
Each case: input file, output file, package, version, reason, author, date (docker-pkg's
time.strftime("%a, %e %b %Y %H:%M:%S %z"): the day padded with a space, "Mon,  3 Aug 2026")."""
import datetime
from debian.changelog import Changelog

def date(y, mo, d, h, mi, s, offset_minutes):
    tz = datetime.timezone(datetime.timedelta(minutes=offset_minutes))
    return datetime.datetime(y, mo, d, h, mi, s, tzinfo=tz).strftime("%a, %e %b %Y %H:%M:%S %z")

CASES = [
    ("simple.in", "simple-security.out", "nutcracker", "0.0.3-s1", "Security update",
     "Raine Souček <raine@wikimedia.org>", date(2026, 8, 3, 12, 28, 24, 120)),
    ("simple.in", "simple-refresh.out", "nutcracker", "0.0.3-s1",
     "Refresh for update in parent image python3-bullseye:\n* Version bump.",
     "Ahmon Dancy <adancy@wikimedia.org>", date(2025, 8, 4, 17, 0, 8, -420)),
    ("simple.in", "simple-blank-lines.out", "nutcracker", "0.0.4", "first\n\nthird\n",
     "Author <email@domain>", date(2026, 1, 2, 3, 4, 5, 0)),
    ("comment.in", "comment.out", "foo", "1.0-1-s1", "Security update",
     "Author <email@domain>", date(2026, 11, 27, 19, 20, 17, 0)),
    ("nonewline.in", "nonewline.out", "nutcracker", "0.0.3-s1", "Security update",
     "Author <email@domain>", date(2026, 11, 27, 19, 20, 17, 330)),
]

for src, dst, package, version, reason, author, when in CASES:
    with open(src, "rb") as fh:
        changelog = Changelog(fh)
    changelog.new_block(package=package, version=version, distributions="wikimedia",
                        urgency="high", author=author, date=when)
    changelog.add_change("")
    for line in reason.split("\n"):
        changelog.add_change("   {}".format(line))
    changelog.add_change("")
    with open(dst, "w", encoding="utf-8") as fh:
        changelog.write_to_open_file(fh)
