"""A whole site as JSON: export it, check a file, and import it into any database.

The file format is ``pharmacy-scheduler/site``, version 1::

    {"format": "pharmacy-scheduler/site", "version": 1, "exported_at": "2026-03-02T09:00:00Z",
     "site": {...}}                  (or "sites": [{...}, ...] for several sites in one file)

A site section holds the site and its settings (group by name, ratio rule, approval
policy, opening hours), the competencies it uses, its shift types, stations with
their cover, duties, the staff whose home it is (skills, certifications, CE, goals,
leave, requests, offers, sign-offs, calendar link), the accounts of those staff and
of whoever approved, published or signed anything in it, and every rota version with
its assignments and score breakdown.

Rows name each other by natural keys, never by the source database's ids:
competencies by code, shift types by code, stations and duties by name, accounts by
email, rotas by week and version, staff by a key local to the file ("S1", "S2", ...).
A row of another site is named with its site, e.g. ``{"site": "Riverside Hospital",
"name": "IV room"}``. Dates are ISO (2026-03-02), times HH:MM, timestamps ISO in UTC.

Left out on purpose: solve runs (records of past solver jobs, not data anyone edits)
and each rota's optimistic-lock counter. Accounts travel with their password hashes
and calendar links with their token hashes, so a restore lets people sign in and keeps
calendar subscriptions working; treat a file as carefully as the database itself.

The package's modules: ``file_format`` (the format: what is written, in which tables
and columns, and its version), ``values`` (how each value is written and read back),
``exporting`` (a site to a file's data) and ``importing`` (a file's data checked and
written to the database).
"""
