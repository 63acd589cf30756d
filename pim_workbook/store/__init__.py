"""The durable store: one SQLite file, or one PostgreSQL database that several hosts share
(:mod:`pim_workbook.store.dialect`); every change one transaction and a history row.

:class:`~pim_workbook.store.core.Store` is composed of one part per concern (units,
history and revisions, assessments, links, training, settings, and integrity: the history's
hash chain and the store's seals); pages and services are
typed against :class:`~pim_workbook.store.protocol.WorkbookStore`, which the guarded store
of :mod:`pim_workbook.access` satisfies too.
"""
