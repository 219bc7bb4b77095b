"""The audit log: who created, changed, approved, published, signed off or overrode what.

``vocabulary`` says what the log covers (the audited models, their labels, the actions);
``recording`` writes the log as the session flushes, so views and services need no
changes; ``wording`` turns rows into the log's sentences; ``reading`` is what the audit
page asks of the log.
"""
